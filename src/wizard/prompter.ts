import { InterruptedError } from '../core/errors.js';

/**
 * What the wizard may ask. Every question has a stable `id` so tests can replay the real
 * question definitions (src/wizard/questions.ts) with scripted answers and assert which
 * questions were asked, in which order, and what their validation said.
 */
export interface BaseQuestion {
  id: string;
  message: string;
}

/** A validator: `true` when the answer is fine, else the message to show under the prompt. */
export type Validate = (value: string) => true | string | Promise<true | string>;

export interface InputQuestion extends BaseQuestion {
  default?: string;
  validate?: Validate;
}

export interface PasswordQuestion extends BaseQuestion {
  validate?: Validate;
}

export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
}

export interface SelectQuestion<T> extends BaseQuestion {
  choices: ReadonlyArray<Choice<T>>;
  default?: T;
}

export interface ConfirmQuestion extends BaseQuestion {
  default?: boolean;
}

/** Multi-line paste of ASCII armor (see src/wizard/paste.ts for when it ends). */
export interface PasteQuestion extends BaseQuestion {
  validate?: Validate;
}

/**
 * The one seam between the flows and the terminal. The real implementation is
 * `inquirerPrompter` (src/wizard/inquirer-prompter.ts); tests use a scripted one.
 * Every method rejects with InterruptedError when the user presses Ctrl-C.
 */
export interface Prompter {
  input(question: InputQuestion): Promise<string>;
  password(question: PasswordQuestion): Promise<string>;
  select<T>(question: SelectQuestion<T>): Promise<T>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
  paste(question: PasteQuestion): Promise<string>;
  /** A line of explanation for the user (stderr; never a secret). */
  say(line: string): void;
}

/**
 * Inquirer rejects with an `ExitPromptError` on Ctrl-C (and `AbortPromptError` when aborted);
 * they are matched by name because inquirer may be loaded twice under different paths.
 * Both become our InterruptedError (exit 130). Anything else passes through unchanged.
 */
export function mapPromptError(error: unknown): unknown {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'ExitPromptError' || name === 'AbortPromptError') {
    return new InterruptedError('Interrupted: nothing was changed.', { cause: error });
  }
  return error;
}
