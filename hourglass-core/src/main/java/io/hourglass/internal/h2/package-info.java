/**
 * The HTTP/2 codec (RFC 9113, RFC 7541), shared by the HTTP/2 server and client: bytes in, values and
 * callbacks out; values in, bytes out. No sockets, no threads, no clocks: a connection owns one set of
 * these objects and drives them from its reading and writing code, under its own locks and deadlines.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link io.hourglass.internal.h2.FrameReader} reads frames from the connection's
 *       {@link io.hourglass.internal.h1.InBuffer} (the same read buffer HTTP/1.1 uses, so a server can look at
 *       the first bytes, see {@link io.hourglass.internal.h2.Frame#isPrefaceStart}, and hand the buffer over
 *       with nothing lost). It checks every frame-level rule of RFC 9113 sections 4 to 6, assembles header
 *       blocks (HEADERS/PUSH_PROMISE + CONTINUATION, capped in bytes and frames), decodes them with the
 *       connection's {@link io.hourglass.internal.h2.HpackDecoder} in arrival order, and calls a
 *       {@link io.hourglass.internal.h2.FrameListener} once per frame (once per header block).</li>
 *   <li>{@link io.hourglass.internal.h2.FrameWriter} writes frames into the connection's
 *       {@link io.hourglass.internal.h1.OutBuffer}: the preface, SETTINGS, HEADERS split into CONTINUATION
 *       frames by the peer's SETTINGS_MAX_FRAME_SIZE, DATA, and the control frames.</li>
 *   <li>{@link io.hourglass.internal.h2.HpackEncoder} and {@link io.hourglass.internal.h2.HpackDecoder}: one
 *       of each per connection, with their dynamic tables.
 *       {@link io.hourglass.internal.h2.FieldList} is what they exchange: an ordered list of lowercase
 *       fields, pseudo-header fields first, each optionally "sensitive" (never indexed).</li>
 *   <li>{@link io.hourglass.internal.h2.H2Messages}: the message rules of RFC 9113 sections 8.2-8.3 for
 *       both sides, and the mapping between a FieldList and {@link io.hourglass.http.Headers}
 *       ({@link io.hourglass.internal.h2.H2RequestHead}, {@link io.hourglass.internal.h2.H2ResponseHead},
 *       trailers).</li>
 *   <li>{@link io.hourglass.internal.h2.Settings} (an immutable value with the RFC's defaults),
 *       {@link io.hourglass.internal.h2.FlowWindow} (the window arithmetic of one stream or of the
 *       connection), {@link io.hourglass.internal.h2.ErrorCode}, and
 *       {@link io.hourglass.internal.h2.H2Exception}, which says whether an error ends the connection
 *       (GOAWAY) or one stream (RST_STREAM).</li>
 * </ul>
 *
 * <h2>How a connection uses them</h2>
 * <pre>{@code
 * // set-up (server; a client calls writer.writePreface() first and FrameReader.forClient)
 * HpackDecoder decoder = new HpackDecoder(maxHeaderListSize);
 * HpackEncoder encoder = new HpackEncoder(4096);
 * FrameReader reader = FrameReader.forServer(in, decoder);       // in: InBuffer able to grow to maxFrameSize + 9
 * reader.maxFrameSize(ours.maxFrameSize());
 * FrameWriter writer = new FrameWriter(out);
 * reader.readPreface();                                        // server only: the 24-byte magic
 * writer.writeSettings(ours); writer.flush();                  // ours: Settings.DEFAULTS.with(ENABLE_PUSH, 0)...
 *
 * // the reading loop (one thread)
 * try {
 *     while (reader.readFrame(listener)) { ... }               // false: the peer closed cleanly
 * } catch (H2Exception e) {
 *     if (e.isConnectionError()) { writer.writeGoAway(lastStreamId, e.code(), debug); close(); }
 *     else { writer.writeRstStream(e.streamId(), e.code()); } // and keep reading: the frame was consumed
 * }
 *
 * // the listener, in outline
 * onSettings(entries):   Settings old = peer; peer = entries.applyTo(old);
 *                        for each entry with id HEADER_TABLE_SIZE: encoder.peerHeaderTableSize(value);
 *                        writer.maxFrameSize(peer.maxFrameSize());
 *                        every stream window .applyInitialDelta(peer.initialWindowSize() - old.initialWindowSize());
 *                        writer.writeSettingsAck();
 * onSettingsAck():       decoder.maxTableSizeSetting(ours.headerTableSize()); // our settings are now in force
 * onHeaders(id, f, end): if (f.overLimit()) -> 431 / reset; else H2Messages.request(id, f) (server),
 *                        H2Messages.response(id, f) (client), or H2Messages.trailers(id, f) on an open stream
 * onData(...):           connWindow.receive(fc); streamWindow.receive(fc); copy the bytes out before returning;
 *                        as the application consumes them: int inc = window.release(n, size / 2);
 *                        if (inc > 0) writer.writeWindowUpdate(id, inc);
 * onWindowUpdate(id, n): (id == 0 ? connWindow : stream window).credit(n); wake blocked writers
 * onPing(data, ack):     if (!ack) writer.writePing(data, true);
 *
 * // sending (under the connection's write lock)
 * H2Messages.responseFields(status, headers, fields);         // or requestFields(...) on a client
 * writer.writeHeaders(streamId, encoder, fields, endStream);  // encode + write in one step: HPACK order = wire order
 * streamWindow.take(n); connWindow.take(n); writer.writeData(streamId, buf, off, n, last);
 * }</pre>
 *
 * <h2>What the codec checks, and what it leaves to the connection</h2>
 * The codec checks what one frame or one header block shows: sizes, stream id 0 rules, padding, SETTINGS
 * ranges, WINDOW_UPDATE of 0, self-dependency, frames interleaved in a header block, HPACK errors and
 * bounds, message syntax. Everything that needs the connection's state is the connection's: stream states
 * and ids (idle, closed, increasing ids), MAX_CONCURRENT_STREAMS, flow-control accounting across frames,
 * content-length against DATA, trailers that do not end the stream, SETTINGS ACK timeouts, and every flood
 * counter (PING, SETTINGS, empty DATA, resets, queued control frames). The codec's own bounds are the
 * header block caps ({@link io.hourglass.internal.h2.FrameReader#headerBlockLimits}, default 64 KiB and 16
 * frames: ENHANCE_YOUR_CALM), the largest frame ({@link io.hourglass.internal.h2.FrameReader#maxFrameSize}),
 * the HPACK table (our SETTINGS_HEADER_TABLE_SIZE) and the decoded header list
 * ({@link io.hourglass.internal.h2.HpackDecoder#maxHeaderListSize}, reported by
 * {@link io.hourglass.internal.h2.FieldList#overLimit()} with the HPACK state intact).
 *
 * <h2>Threads and buffers</h2>
 * Nothing here is thread-safe. The reader, its decoder and its listener belong to the connection's reading
 * thread; the writer and the encoder to whoever holds the connection's write lock. Slices and lists handed
 * to the listener are valid only during the callback.
 *
 * <h2>Fuzzing</h2>
 * The entry points to fuzz (Jazzer): {@link io.hourglass.internal.h2.FrameReader#readFrame} over arbitrary
 * bytes after an empty SETTINGS frame, for both {@code forServer} and {@code forClient} (with push on and
 * off), with a listener that maps every header block through {@link io.hourglass.internal.h2.H2Messages};
 * {@link io.hourglass.internal.h2.FrameReader#readPreface}; {@link io.hourglass.internal.h2.HpackDecoder#decode}
 * over a sequence of arbitrary blocks on one decoder (small and unlimited header list limits, table size
 * settings changed in between); and the round trip encoder to decoder of arbitrary Latin-1 field lists,
 * which must reproduce the list. The only exceptions allowed out are {@link io.hourglass.internal.h2.H2Exception}
 * and {@link java.io.EOFException}.
 */
package io.hourglass.internal.h2;
