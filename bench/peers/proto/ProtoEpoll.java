// proto-epoll: one edge-triggered epoll instance driven through the FFM API (java.lang.foreign, final in JDK
// 22). Each connection's fd is registered once (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET) when it is
// accepted; one platform poller thread loops on epoll_wait and unparks the virtual thread of every
// connection in the batch. The virtual thread owns its non-blocking SocketChannel: it reads, handles,
// writes, and parks (LockSupport) when there is nothing to read; no epoll_ctl per request.
//
// Edge-triggered without losing a wake-up: the kernel signals every arrival of new bytes (and the FIN, and
// send-buffer space after a write hit a full buffer); an event that comes while the virtual thread runs
// leaves LockSupport's permit set, so its next park returns at once and it reads again. A read that fills
// less than the free buffer emptied the socket's receive queue (Linux tcp_recvmsg returns short only when
// nothing more is queued), so the thread parks without the extra read that would return EAGAIN.
//
// The fd of a SocketChannel comes from sun.nio.ch.SocketChannelImpl's private field 'fdVal' by reflection:
// the JVM needs --add-opens java.base/sun.nio.ch=ALL-UNNAMED (and --enable-native-access=ALL-UNNAMED for
// FFM). A real core would make its sockets through FFM or keep this one reflective look-up behind a check.

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

final class ProtoEpoll {
    // <sys/epoll.h>
    private static final int EPOLLIN = 0x001;
    private static final int EPOLLOUT = 0x004;
    private static final int EPOLLRDHUP = 0x2000;
    private static final int EPOLLET = 1 << 31;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CLOEXEC = 0x80000;
    // struct epoll_event is packed on x86-64: uint32_t events at 0, uint64_t data at 4; 12 bytes
    private static final long EVENT_SIZE = 12;
    private static final int MAX_EVENTS = 512;

    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final Field FD_VAL;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        var I = ValueLayout.JAVA_INT;
        EPOLL_CREATE1 = linker.downcallHandle(libc.find("epoll_create1").orElseThrow(), FunctionDescriptor.of(I, I));
        // epoll_ctl never blocks: a critical downcall skips the thread-state transition
        EPOLL_CTL = linker.downcallHandle(libc.find("epoll_ctl").orElseThrow(),
                FunctionDescriptor.of(I, I, I, I, ValueLayout.ADDRESS), Linker.Option.critical(false));
        EPOLL_WAIT = linker.downcallHandle(libc.find("epoll_wait").orElseThrow(),
                FunctionDescriptor.of(I, I, ValueLayout.ADDRESS, I, I));
        try {
            FD_VAL = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredField("fdVal");
            FD_VAL.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("proto-epoll needs --add-opens java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }

    // fd -> connection, read by the poller; a slot is set before the fd is registered and cleared before close
    private static final AtomicReferenceArray<Conn> CONNS = new AtomicReferenceArray<>(1 << 17);

    private ProtoEpoll() {}

    static Runnable acceptor(ServerSocketChannel server) {
        int epfd;
        try {
            epfd = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (epfd < 0) throw new IllegalStateException("epoll_create1 failed");
        Thread.ofPlatform().name("proto-epoll-poller").start(() -> poll(epfd));
        return () -> {
            try (server; Arena arena = Arena.ofConfined()) {
                MemorySegment ev = arena.allocate(EVENT_SIZE, 8);
                while (true) {
                    SocketChannel ch = server.accept();   // blocking accept on this (main) thread
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    int fd = FD_VAL.getInt(ch);
                    if (fd >= CONNS.length()) {
                        ProtoMain.closeQuietly(ch);
                        continue;
                    }
                    Conn c = new Conn(ch, fd);
                    Thread t = Thread.ofVirtual().unstarted(c::run);
                    c.thread = t;
                    CONNS.set(fd, c);
                    t.start();
                    // registered after the thread started: bytes already there when it is added are reported
                    // at once (the kernel checks readiness on EPOLL_CTL_ADD), and unpark of a started thread
                    // is never lost
                    ev.set(ValueLayout.JAVA_INT, 0, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
                    ev.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, fd);
                    int rc = (int) EPOLL_CTL.invokeExact(epfd, EPOLL_CTL_ADD, fd, ev);
                    if (rc != 0) {
                        CONNS.set(fd, null);
                        ProtoMain.closeQuietly(ch);
                        LockSupport.unpark(t);   // its next read sees the closed channel and ends
                    }
                }
            } catch (Throwable e) {
                e.printStackTrace();
                System.exit(1);
            }
        };
    }

    private static void poll(int epfd) {
        MemorySegment events = Arena.global().allocate(EVENT_SIZE * MAX_EVENTS, 8);
        try {
            while (true) {
                int n = (int) EPOLL_WAIT.invokeExact(epfd, events, MAX_EVENTS, -1);
                for (int i = 0; i < n; i++) {   // n is -1 on EINTR: nothing to do
                    int fd = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EVENT_SIZE + 4);
                    Conn c = CONNS.get(fd);
                    if (c != null) LockSupport.unpark(c.thread);
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** One connection, served by its own virtual thread. */
    static final class Conn {
        final SocketChannel ch;
        final int fd;
        Thread thread;   // set before the thread starts and before the poller can see this Conn
        final ByteBuffer in = ByteBuffer.allocateDirect(4096);   // bytes [start, position) not yet framed
        final ByteBuffer out = ByteBuffer.allocateDirect(1024);
        final ProtoHttp.Request req = new ProtoHttp.Request();
        int start;

        Conn(SocketChannel ch, int fd) {
            this.ch = ch;
            this.fd = fd;
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
                    while (true) {
                        int used = ProtoHttp.parse(in, start, in.position(), req);
                        if (used == ProtoHttp.BAD) return;
                        if (used == ProtoHttp.INCOMPLETE) break;
                        start += used;
                        write(ProtoHttp.respond(req));
                        if (req.close) return;
                    }
                    if (start == in.position()) {
                        in.clear();
                        start = 0;
                    } else if (start > 0) {   // move the partial head to the front
                        in.limit(in.position()).position(start);
                        in.compact();
                        start = 0;
                    }
                    if (!in.hasRemaining()) return;   // a head larger than the buffer
                    if (drained) LockSupport.park(this);
                }
            } catch (IOException e) {
                // the peer reset or closed: the connection ends
            } finally {
                CONNS.set(fd, null);
                ProtoMain.closeQuietly(ch);   // closing the fd removes it from the epoll set
            }
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
