/**
 * Bytes the server lets wait for one client (an SSE response's unsent chunks, a WebSocket's
 * `bufferedAmount`) before it cuts that client, as a production server or proxy does with a reader
 * that stopped: without a bound one stalled client held hundreds of MB. 8 MiB is far above what a
 * reading client ever has waiting (the kernel takes the first MBs, and a test's burst of thousands
 * of 1 KB events in one tick fits), and bounds what a stalled one costs. The client is cut, not
 * skipped over: it sees a network failure and reconnects (resuming with `sseIds`), where skipped
 * events would be a silent gap. @internal
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

/**
 * The longest WebSocket message the server takes from a client. Its commands (`Subscribe`,
 * `Unsubscribe`, `Ping`) are a few hundred bytes; ws's default, 100 MiB per message, let each of
 * a hundred sockets make the server hold that much. A longer one closes the socket with 1009
 * (RFC 6455 7.4.1, "message too big"). @internal
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;
