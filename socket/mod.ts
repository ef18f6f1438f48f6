/**
 * The socket object, its constants and its errors.
 *
 * @module
 */
export * from "./errors.ts";
