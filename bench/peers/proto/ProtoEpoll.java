// proto-epoll: the edge-triggered epoll poller of ProtoPoller (FFM) under a server. Each accepted
// connection gets a virtual thread and is registered once; the virtual thread owns its non-blocking
// SocketChannel: it reads, handles, writes, and parks (LockSupport) when there is nothing to read, woken by
// the poller's epoll_wait batch. No epoll_ctl per request.
//
// A read that fills less than the free buffer emptied the socket's receive queue (Linux tcp_recvmsg returns
// short only when nothing more is queued), so the thread parks without the extra read that would return
// EAGAIN; the next bytes bring a new edge.

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;

final class ProtoEpoll {
    private ProtoEpoll() {}

    static Runnable acceptor(ServerSocketChannel server, boolean pollOnVirtualThread) {
        ProtoPoller poller = new ProtoPoller(pollOnVirtualThread);
        return () -> {
            try (server) {
                while (true) {
                    SocketChannel ch = server.accept();   // blocking accept on this (main) thread
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    int fd = ProtoPoller.fd(ch);
                    Conn c = new Conn(ch, fd, poller);
                    Thread t = Thread.ofVirtual().start(c::run);
                    if (!poller.register(fd, t)) {
                        ProtoMain.closeQuietly(ch);
                        LockSupport.unpark(t);   // its next read sees the closed channel and ends
                    }
                }
            } catch (IOException e) {
                e.printStackTrace();
                System.exit(1);
            }
        };
    }

    /** One connection, served by its own virtual thread. */
    static final class Conn {
        final SocketChannel ch;
        final int fd;
        final ProtoPoller poller;
        final ByteBuffer in = ByteBuffer.allocateDirect(4096);   // bytes [start, position) not yet framed
        final ByteBuffer out = ByteBuffer.allocateDirect(1024);
        final ProtoHttp.Request req = new ProtoHttp.Request();
        int start;

        Conn(SocketChannel ch, int fd, ProtoPoller poller) {
            this.ch = ch;
            this.fd = fd;
            this.poller = poller;
        }

        void run() {
            try {
                while (true) {
                    int n = ch.read(in);
                    if (n < 0) break;
                    if (n == 0) {
                        LockSupport.park(this);   // until the poller sees this fd in a batch
                        continue;
                    }
                    boolean drained = in.hasRemaining();   // a short read: nothing more queued (see the top)
                    if (!serveBuffered()) return;
                    if (drained) LockSupport.park(this);
                }
            } catch (IOException e) {
                // the peer reset or closed: the connection ends
            } finally {
                poller.forget(fd);
                ProtoMain.closeQuietly(ch);   // closing the fd removes it from the epoll set
            }
        }

        // answers every complete request in the buffer; false when the connection is to close
        private boolean serveBuffered() throws IOException {
            while (true) {
                int used = ProtoHttp.parse(in, start, in.position(), req);
                if (used == ProtoHttp.BAD) return false;
                if (used == ProtoHttp.INCOMPLETE) break;
                start += used;
                write(ProtoHttp.respond(req));
                if (req.close) return false;
            }
            if (start == in.position()) {
                in.clear();
                start = 0;
            } else if (start > 0) {   // move the partial head to the front
                in.limit(in.position()).position(start);
                in.compact();
                start = 0;
            }
            return in.hasRemaining();   // else a head larger than the buffer
        }

        private void write(byte[] response) throws IOException {
            out.clear();
            out.put(response).flip();
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) LockSupport.park(this);   // EPOLLOUT's edge comes when space frees up
            }
        }
    }
}
