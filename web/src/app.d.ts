declare global {
  namespace App {
    interface Error {
      message: string;
      /** What the operator should do about it. */
      hint?: string;
      code?: string;
    }
  }
}
export {};
