// The edge-triggered epoll poller of the I/O-core prototypes, through the FFM API (java.lang.foreign, final
// in JDK 22): one epoll instance, each fd registered once (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET), and
// one platform thread looping on epoll_wait that unparks the thread registered for every fd in the batch.
// Used by proto-epoll (ProtoEpoll, the server) and ProtoClient (the client half of the question).
//
// The thread that owns an fd never calls epoll_ctl again: it reads and writes its non-blocking channel until
// there is nothing to do, then parks. The kernel signals every arrival of new bytes (and the FIN, and send
// buffer space after a write hit a full buffer); an event that comes while the owner runs leaves
// LockSupport's permit set, so its next park returns at once. A wait can also be ended by an unpark from
// anyone (a timer, a cancel) or by parkNanos's own timeout, and nothing is closed by that.
//
// The fd of a SocketChannel comes from sun.nio.ch.SocketChannelImpl's private field 'fdVal' by reflection:
// the JVM needs --add-opens java.base/sun.nio.ch=ALL-UNNAMED (and --enable-native-access=ALL-UNNAMED for
// FFM). A real core would make its sockets through FFM or keep this one look-up behind a check.

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

final class ProtoPoller {
    // <sys/epoll.h>
    private static final int EPOLLIN = 0x001;
    private static final int EPOLLOUT = 0x004;
    private static final int EPOLLRDHUP = 0x2000;
    private static final int EPOLLET = 1 << 31;
    private static final int EPOLLONESHOT = 1 << 30;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EPOLL_CLOEXEC = 0x80000;
    // struct epoll_event is packed on x86-64: uint32_t events at 0, uint64_t data at 4; 12 bytes
    private static final long EVENT_SIZE = 12;
    private static final int MAX_EVENTS = 512;

    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle EPOLL_WAIT_NOW;   // for timeout 0 only: never blocks
    private static final Field FD_VAL;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        var i = ValueLayout.JAVA_INT;
        EPOLL_CREATE1 = linker.downcallHandle(libc.find("epoll_create1").orElseThrow(), FunctionDescriptor.of(i, i));
        // epoll_ctl never blocks: a critical downcall skips the thread-state transition
        EPOLL_CTL = linker.downcallHandle(libc.find("epoll_ctl").orElseThrow(),
                FunctionDescriptor.of(i, i, i, i, ValueLayout.ADDRESS), Linker.Option.critical(false));
        EPOLL_WAIT = linker.downcallHandle(libc.find("epoll_wait").orElseThrow(),
                FunctionDescriptor.of(i, i, ValueLayout.ADDRESS, i, i));
        EPOLL_WAIT_NOW = linker.downcallHandle(libc.find("epoll_wait").orElseThrow(),
                FunctionDescriptor.of(i, i, ValueLayout.ADDRESS, i, i), Linker.Option.critical(false));
        try {
            FD_VAL = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredField("fdVal");
            FD_VAL.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the epoll prototypes need --add-opens java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }

    private final int epfd;
    // fd -> the thread to unpark, read by the poller; set before the fd is registered, cleared before close
    private final AtomicReferenceArray<Thread> owners = new AtomicReferenceArray<>(1 << 17);
    private final MemorySegment ev = Arena.global().allocate(EVENT_SIZE, 8);   // guarded by this (register)

    /**
     * A poller. With onVirtualThread false, one platform thread blocks in epoll_wait and unparks the batch.
     * With true (JDK 25's own design for its poller), the polling runs on a virtual thread, so its unparks are
     * pushes onto the carrier's own queue rather than a foreign thread's submissions: it takes batches with
     * epoll_wait(timeout 0) while there are any, and when there are none it parks, re-arming a one-shot
     * registration of this epoll fd in an outer epoll on which a platform "master" thread blocks and
     * unparks it.
     */
    ProtoPoller(boolean onVirtualThread) {
        epfd = epollCreate();
        if (!onVirtualThread) {
            Thread.ofPlatform().daemon().name("proto-epoll-poller").start(this::poll);
            return;
        }
        int outer = epollCreate();
        Thread vt = Thread.ofVirtual().name("proto-epoll-poller").unstarted(() -> pollOnVirtualThread(outer));
        Thread.ofPlatform().daemon().name("proto-epoll-master").start(() -> master(outer, vt));
        vt.start();
    }

    private static int epollCreate() {
        int fd;
        try {
            fd = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (fd < 0) throw new IllegalStateException("epoll_create1 failed");
        return fd;
    }

    /** The fd of a SocketChannel (see the top of the file). */
    static int fd(SocketChannel ch) {
        try {
            return FD_VAL.getInt(ch);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers fd, edge-triggered, for owner, which must be started already (an unpark of a started thread
     * is never lost). Bytes already there are reported at once (the kernel checks readiness on
     * EPOLL_CTL_ADD). Returns false when the fd is out of the table's range or epoll_ctl failed.
     */
    synchronized boolean register(int fd, Thread owner) {   // no I/O: a short critical section
        if (fd < 0 || fd >= owners.length()) return false;
        owners.set(fd, owner);
        ev.set(ValueLayout.JAVA_INT, 0, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
        ev.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, fd);
        int rc;
        try {
            rc = (int) EPOLL_CTL.invokeExact(epfd, EPOLL_CTL_ADD, fd, ev);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (rc != 0) owners.set(fd, null);
        return rc == 0;
    }

    /** Makes owner the thread the poller unparks for fd (registered already). */
    void own(int fd, Thread owner) {
        owners.set(fd, owner);
    }

    /** Forgets fd; call before closing it (closing the fd removes it from the epoll set). */
    void forget(int fd) {
        owners.set(fd, null);
    }

    // the master: blocks until this poller's epoll fd has events, then wakes the polling virtual thread
    private static void master(int outer, Thread poller) {
        MemorySegment events = Arena.global().allocate(EVENT_SIZE, 8);
        try {
            while (true) {
                int n = (int) EPOLL_WAIT.invokeExact(outer, events, 1, -1);
                if (n > 0) LockSupport.unpark(poller);
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void pollOnVirtualThread(int outer) {
        MemorySegment events = Arena.global().allocate(EVENT_SIZE * MAX_EVENTS, 8);
        MemorySegment arm = Arena.global().allocate(EVENT_SIZE, 8);
        arm.set(ValueLayout.JAVA_INT, 0, EPOLLIN | EPOLLONESHOT);
        arm.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, epfd);
        try {
            int rc = (int) EPOLL_CTL.invokeExact(outer, EPOLL_CTL_ADD, epfd, arm);
            if (rc != 0) throw new IllegalStateException("epoll_ctl of the inner epoll fd failed");
            while (true) {
                int n = (int) EPOLL_WAIT_NOW.invokeExact(epfd, events, MAX_EVENTS, 0);
                if (n > 0) {
                    unparkAll(events, n);
                    Thread.yield();   // let the woken connections run before the next batch
                    continue;
                }
                // nothing ready: re-arm the one-shot registration (it fires at once if events came meanwhile,
                // and the master's unpark then leaves the permit set), then park
                rc = (int) EPOLL_CTL.invokeExact(outer, EPOLL_CTL_MOD, epfd, arm);
                if (rc != 0) throw new IllegalStateException("epoll_ctl re-arm failed");
                LockSupport.park(this);
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void unparkAll(MemorySegment events, int n) {
        for (int k = 0; k < n; k++) {
            int fd = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, k * EVENT_SIZE + 4);
            Thread t = owners.get(fd);
            if (t != null) LockSupport.unpark(t);
        }
    }

    private void poll() {
        MemorySegment events = Arena.global().allocate(EVENT_SIZE * MAX_EVENTS, 8);
        try {
            while (true) {
                int n = (int) EPOLL_WAIT.invokeExact(epfd, events, MAX_EVENTS, -1);
                unparkAll(events, n);   // n is -1 on EINTR: nothing to do
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
