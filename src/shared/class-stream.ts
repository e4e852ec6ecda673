/**
 * The class-stream family's configs (engine: environments/class-stream.ts, policies/classifier.ts): labelled
 * examples arriving in stages with concept shifts, and the classifier that learns them. Every field described and
 * defaulted; config.ts joins them into the task and policy unions.
 */
import { z } from 'zod';

/** Where Debian's dataset-fashion-mnist package installs the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const FashionMnistData = z
  .object({
    source: z
      .literal('fashion-mnist')
      .describe("Fashion-MNIST's IDX files (Debian: apt-get install dataset-fashion-mnist); train for training, t10k as validation."),
    dir: z
      .string()
      .min(1)
      .default(FASHION_MNIST_DIR)
      .describe('The folder holding train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz).'),
  })
  .strict();

const IdxData = z
  .object({
    source: z.literal('idx').describe('Your own MNIST-format IDX files (unsigned-byte images of any shape, unsigned-byte labels 0..K-1), optionally gzipped.'),
    trainImages: z.string().min(1).describe('IDX file of the training images.'),
    trainLabels: z.string().min(1).describe('IDX file of the training labels, one per image.'),
    validationImages: z.string().min(1).describe('IDX file of the validation images.'),
    validationLabels: z.string().min(1).describe('IDX file of the validation labels.'),
  })
  .strict();

const CsvData = z
  .object({
    source: z
      .literal('csv')
      .describe(
        'Your own CSV files: one example per line, the label (an integer 0..K-1) in the first column, then the features (numbers); an optional header line.',
      ),
    train: z.string().min(1).describe('CSV file of the training examples.'),
    validation: z.string().min(1).describe('CSV file of the validation examples (same number of features).'),
    featureScale: z
      .number()
      .gt(0)
      .default(1 / 255)
      .describe('Every feature is multiplied by this (1/255 turns 0..255 pixels into 0..1, as the paper does).'),
  })
  .strict();

const GeneratedData = z
  .object({
    source: z
      .literal('generated')
      .describe(
        'A small synthetic data set for machines without data files: one Gaussian cloud per class around a fixed random centre, drawn from a fixed seed (not the run seed).',
      ),
    classes: z.number().int().min(2).max(100).default(10).describe('Number of classes.'),
    features: z.number().int().min(2).max(4096).default(64).describe('Features per example.'),
    trainSize: z.number().int().min(10).max(1_000_000).default(2000).describe('Training examples.'),
    validationSize: z.number().int().min(10).max(1_000_000).default(500).describe('Validation examples.'),
    noise: z
      .number()
      .gt(0)
      .max(10)
      .default(1)
      .describe('Standard deviation of each cloud; the centres have unit spread per feature, so larger noise makes the classes overlap more.'),
  })
  .strict();

export const ClassDataConfig = z
  .discriminatedUnion('source', [FashionMnistData, IdxData, CsvData, GeneratedData])
  .describe(
    'The labelled examples: Fashion-MNIST, your IDX or CSV files, or a generated set. Malformed files are refused before the run exists, naming the file, the line or byte offset, and the fix.',
  );
export type ClassDataConfig = z.infer<typeof ClassDataConfig>;

export const ShiftStage = z
  .object({
    fromEpoch: z.number().int().min(0).describe('The epoch (0-based) from which this rate applies.'),
    swapsPerEpoch: z.number().int().min(0).max(10_000).describe('Concept shifts per epoch from then on.'),
  })
  .strict();

export const ClassStreamTaskConfig = z
  .object({
    kind: z
      .literal('class-stream')
      .describe(
        'A stream of labelled examples in epochs, with concept shift: the labels of two random classes swap N times per epoch, in training and validation alike (Man, Damasio and Neven 2022), for a classifier.',
      ),
    data: ClassDataConfig.default({ source: 'generated', classes: 10, features: 64, trainSize: 2000, validationSize: 500, noise: 1 }),
    trainLimit: z.number().int().min(10).optional().describe('Use only the first N training examples (absent: all).'),
    validationLimit: z.number().int().min(10).optional().describe('Use only the first N validation examples (absent: all).'),
    swapsPerEpoch: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Concept shifts per epoch: after every (training examples / N) examples, two random classes swap labels (0 = no shift).'),
    schedule: z
      .array(ShiftStage)
      .max(100)
      .default([])
      .describe(
        'Changes of the shift rate during the run: from each fromEpoch on, its swapsPerEpoch replaces the rate (the latest stage that has begun wins).',
      ),
    recoveryWindow: z
      .number()
      .int()
      .min(10)
      .max(100_000)
      .default(200)
      .describe('Training examples over which the monitors average the online accuracy before a shift, and after it while it recovers.'),
    recoveryFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.95)
      .describe("A shift is recovered when the online accuracy over the window is back to this fraction of the window's accuracy just before it."),
  })
  .strict();
export type ClassStreamTaskConfig = z.infer<typeof ClassStreamTaskConfig>;

export const ClassifierPolicyConfig = z
  .object({
    kind: z
      .literal('classifier')
      .describe(
        "A classifier (the classifier family): an MLP from the example's features to one logit per class, softmax on top; the paper's is 784-80-60-10 with ELU.",
      ),
    hidden: z
      .array(z.number().int().min(1).max(4096))
      .min(1)
      .max(8)
      .default([80, 60])
      .describe('Width of each hidden layer, input side first (the input and output sizes come from the data).'),
    activation: z.enum(['elu', 'tanh', 'relu']).default('elu').describe('Nonlinearity after each hidden layer (ELU with alpha 1, as the paper).'),
  })
  .strict();
export type ClassifierPolicyConfig = z.infer<typeof ClassifierPolicyConfig>;
