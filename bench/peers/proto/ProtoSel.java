// proto-sel and proto-sel0: N = cores NIO Selector loops (platform threads). A loop reads a connection and
// frames its request head; with dispatch (proto-sel) a complete request goes to a new virtual thread that
// runs the handler and writes the response itself (non-blocking; a partial write parks the virtual thread
// until the loop sees OP_WRITE), then gives the connection back to its loop. Without dispatch (proto-sel0)
// the loop runs the handler and writes: Undertow's non-dispatched ceiling, not the blocking-handler contract.
//
// As Undertow's dispatch does, a connection's reads are suspended while its request is out on a virtual
// thread (interest set 0) and resumed when the thread is done (OP_READ and a selector wake-up): two interest
// changes, which the JDK's selector applies as epoll_ctl calls on its next select. Tried and dropped: leaving
// OP_READ armed and skipping the busy connection; the loop then spins on select while wrk's next request
// arrives before the virtual thread has given the connection back (9.6 / 8.6 us of CPU per request against
// 5.7 / 5.9 with the interest changes, wrk -c64, two pairs).

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

final class ProtoSel {
    private ProtoSel() {}

    static Runnable acceptor(ServerSocketChannel server, boolean dispatch) {
        int n = Runtime.getRuntime().availableProcessors();
        Loop[] loops = new Loop[n];
        for (int i = 0; i < n; i++) {
            loops[i] = new Loop(dispatch);
            Thread.ofPlatform().name("proto-sel-loop-" + i).start(loops[i]);
        }
        return () -> {
            try (server) {
                for (int next = 0; ; next = (next + 1) % n) {
                    SocketChannel ch = server.accept();   // blocking accept on this (main) thread
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    loops[next].add(ch);
                }
            } catch (IOException e) {
                e.printStackTrace();
                System.exit(1);
            }
        };
    }

    /** One selector loop. */
    static final class Loop implements Runnable {
        final Selector selector;
        final boolean dispatch;
        private final ConcurrentLinkedQueue<SocketChannel> added = new ConcurrentLinkedQueue<>();

        Loop(boolean dispatch) {
            this.dispatch = dispatch;
            try {
                this.selector = Selector.open();
            } catch (IOException e) {
                throw new IllegalStateException("cannot open a selector", e);
            }
        }

        void add(SocketChannel ch) {
            added.add(ch);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select(this::ready);
                    SocketChannel ch;
                    while ((ch = added.poll()) != null) {
                        Conn c = new Conn(ch, this);
                        c.key = ch.register(selector, SelectionKey.OP_READ, c);
                    }
                }
            } catch (IOException e) {
                e.printStackTrace();
                System.exit(1);
            }
        }

        private void ready(SelectionKey k) {
            Conn c = (Conn) k.attachment();
            if (!k.isValid()) return;
            int ops = k.readyOps();
            if ((ops & SelectionKey.OP_WRITE) != 0) c.onWritable();
            if ((ops & SelectionKey.OP_READ) != 0 && k.isValid()) c.onReadable();
        }
    }

    /** One connection; owned by its loop, or by its virtual thread while busy. */
    static final class Conn {
        final SocketChannel ch;
        final Loop loop;
        SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocateDirect(4096);   // bytes [start, position) not yet framed
        final ByteBuffer out = ByteBuffer.allocateDirect(1024);
        final ProtoHttp.Request req = new ProtoHttp.Request();
        int start;
        // volatile: set by the loop when it hands a request to a virtual thread, cleared by that thread when it
        // gives the connection back; the hand-over of in/out/start rides on it
        volatile boolean busy;
        // volatile: the virtual thread waiting for OP_WRITE, set by it and taken by the loop
        volatile Thread writer;

        Conn(SocketChannel ch, Loop loop) {
            this.ch = ch;
            this.loop = loop;
        }

        /** On the loop: read, frame, hand off (or handle inline without dispatch). */
        void onReadable() {
            if (busy) return;   // proto-sel0's partial response waits for OP_WRITE
            try {
                int n = ch.read(in);
                if (n < 0) {
                    close();
                    return;
                }
                if (loop.dispatch) {
                    if (frame()) {
                        busy = true;
                        key.interestOps(0);   // the loop leaves it alone until the virtual thread is done
                        Thread.ofVirtual().start(this::handleOnVirtualThread);
                    }
                } else {
                    while (frame()) {
                        if (!writeInline(ProtoHttp.respond(req))) return;   // the rest on OP_WRITE
                        if (req.close) {
                            close();
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                close();
            }
        }

        /** Frames the next buffered request into req; false when more bytes are needed. */
        private boolean frame() throws IOException {
            int used = ProtoHttp.parse(in, start, in.position(), req);
            if (used == ProtoHttp.BAD) throw new IOException("bad request");
            if (used == ProtoHttp.INCOMPLETE) {
                if (start > 0) {   // move the partial head to the front
                    in.limit(in.position()).position(start);
                    in.compact();
                    start = 0;
                }
                if (!in.hasRemaining()) throw new IOException("head larger than the buffer");
                return false;
            }
            start += used;
            if (start == in.position()) {
                in.clear();
                start = 0;
            }
            return true;
        }

        /** On a virtual thread: the handler (which may block), the write, then the connection goes back. */
        private void handleOnVirtualThread() {
            try {
                do {
                    writeBlocking(ProtoHttp.respond(req));
                    if (req.close) {
                        close();
                        return;
                    }
                } while (frame());   // a pipelined request already buffered
            } catch (IOException e) {
                close();
                return;
            }
            busy = false;
            key.interestOps(SelectionKey.OP_READ);   // back to the loop, which applies it on its next select
            loop.selector.wakeup();
        }

        private void writeBlocking(byte[] response) throws IOException {
            out.clear();
            out.put(response).flip();
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {   // the socket's send buffer is full: wait for OP_WRITE
                    writer = Thread.currentThread();
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    loop.selector.wakeup();
                    while (writer != null) LockSupport.park(this);
                }
            }
        }

        // without dispatch: true when all written; else the rest waits for OP_WRITE with reads off
        private boolean writeInline(byte[] response) throws IOException {
            out.clear();
            out.put(response).flip();
            ch.write(out);
            if (!out.hasRemaining()) return true;
            busy = true;
            key.interestOps(SelectionKey.OP_WRITE);
            return false;
        }

        /** On the loop. */
        void onWritable() {
            Thread t = writer;
            if (t != null) {   // a virtual thread waits for it
                key.interestOps(SelectionKey.OP_READ);
                writer = null;
                LockSupport.unpark(t);
                return;
            }
            try {   // proto-sel0's pending response
                ch.write(out);
                if (out.hasRemaining()) return;
                key.interestOps(SelectionKey.OP_READ);
                busy = false;
                if (req.close) close();
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            key.cancel();
            ProtoMain.closeQuietly(ch);
            if (Thread.currentThread().isVirtual()) loop.selector.wakeup();   // let the loop release the fd now
        }
    }
}
