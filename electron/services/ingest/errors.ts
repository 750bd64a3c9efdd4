/** An import that could not run; the message is for the user, `kind` for the code that shows it. */
export class ImportError extends Error {
  constructor(
    readonly kind: 'file_unreadable' | 'workspace_not_found' | 'pages_not_in_workspace' | 'storage' | 'worker_failed',
    message: string,
    /** For pages_not_in_workspace: the Page ids the archive has and the workspace lacks. */
    readonly pageIds: string[] = [],
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
