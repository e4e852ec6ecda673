/** A file the engine made for the person to save (an audit log, a run export). */
export interface DownloadableFile {
  fileName: string;
  mediaType: string;
  content: string;
}

/** Saves a file the way a browser does: an object URL on a temporary link. */
export function downloadFile(file: DownloadableFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
