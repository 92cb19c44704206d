/** Types for ml-logistic-regression 2.x (the package ships none): what bench:tuning uses. */
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  /** One binary classifier of the one-vs-all scheme. */
  export class LogisticRegressionTwoClasses {
    weights: Matrix | null;
    /** Sigmoid scores per row of `features`. */
    testScores(features: Matrix): number[];
    predict(features: Matrix): number[];
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    /** One classifier per class `i`, trained on "not class i" as 1. */
    classifiers: LogisticRegressionTwoClasses[];
    numberClasses: number;
    train(X: Matrix, Y: Matrix): void;
    predict(Xtest: Matrix): number[];
  }
}
