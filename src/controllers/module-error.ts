/** A problem with a user's module (it does not build, or does not export what the config says), naming the module file. */
export class ModuleError extends Error {
  /** The module as the config names it (relative to the project), or the file the problem is in. */
  readonly file: string;

  constructor(file: string, message: string) {
    super(message);
    this.name = 'ModuleError';
    this.file = file;
  }
}
