/**
 * The socket object, its constants and its errors.
 *
 * @module
 */
export * from "./constants.ts";
export * from "./errors.ts";
export * from "./socket.ts";
export * from "./connection.ts";
