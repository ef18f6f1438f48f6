/**
 * The socket object, its constants and its errors.
 *
 * @module
 */
export * from "../_base/constants.ts";
export {
  BlockingIOError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  errno,
  type ErrnoName,
  error,
  FileNotFoundError,
  gaierror,
  herror,
  OSError,
  PermissionError,
  timeout,
  TimeoutError,
} from "./errors.ts";
export * from "./socket.ts";
export * from "./connection.ts";
