/**
 * A failure the user can act on (redis-server missing, port taken...): the CLI prints its
 * message alone, without a stack trace, and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
