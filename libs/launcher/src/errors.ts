/** A launcher failure the CLI prints as one clear message (not a stack trace). */
export class LaunchError extends Error {}
