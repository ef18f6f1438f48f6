/**
 * Name, service and protocol look-ups.
 *
 * @module
 */
export {};
