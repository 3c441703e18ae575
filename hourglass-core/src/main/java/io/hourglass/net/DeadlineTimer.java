package io.hourglass.net;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one timer thread that enforces the deadlines of every {@link Conn} in the JVM.
 *
 * <p>A hashed timing wheel of {@value #SLOTS} slots of {@value #TICK_MILLIS} ms. A connection that has a
 * deadline sits in the slot of its earliest deadline (at most one wheel turn ahead). Arming a deadline is a
 * volatile store on the connection; the connection is (re)queued to the timer only when the new deadline is
 * earlier than the instant it is already scheduled for, or it is not scheduled at all. When its slot comes
 * due the timer re-reads the connection's deadlines: if one has passed it expires the connection, otherwise
 * it moves the connection to the slot of its (possibly moved) earliest deadline. So the usual
 * "now + timeout" re-arm is one store with no allocation, and a connection with far deadlines is looked at
 * about once per wheel turn.
 *
 * <p>The timer never blocks on a connection: expiring one is a {@code shutdown} or a non-lingering close.
 * Alarms ({@link Conn#setAlarm}) run on the timer thread and must only hand work off.
 */
final class DeadlineTimer implements Runnable {
    static final int TICK_MILLIS = 1;
    static final int SLOTS = 1024; // one turn is about one second
    private static final long TICK = TICK_MILLIS * 1_000_000L;
    private static final long SPAN = TICK * (SLOTS - 1);

    static final DeadlineTimer INSTANCE = new DeadlineTimer();

    private final Conn[] heads = new Conn[SLOTS];   // timer thread only
    private final AtomicReference<Conn> queue = new AtomicReference<>(); // intrusive Treiber stack
    private final Thread thread;
    private final long origin = System.nanoTime();
    private long lastTick;            // timer thread only: the last tick whose slot was processed
    private int scheduled;            // timer thread only
    private volatile boolean sleeping; // the thread is parked with nothing scheduled; armers must unpark it

    private DeadlineTimer() {
        lastTick = tickOf(System.nanoTime());
        thread = Thread.ofPlatform().daemon().name("hourglass-deadlines").unstarted(this);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    private long tickOf(long nanos) {
        return (nanos - origin) / TICK;
    }

    /** Called by arming threads: the connection needs (re)scheduling earlier than it is now. */
    void enqueue(Conn c) {
        if (!Conn.QUEUED.compareAndSet(c, 0, 1)) {
            return; // already queued; the timer will read its newest deadlines
        }
        Conn head;
        do {
            head = queue.get();
            c.queueNext = head;
        } while (!queue.compareAndSet(head, c));
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        while (true) {
            try {
                drainQueue();
                long now = System.nanoTime();
                long nowTick = tickOf(now);
                while (lastTick < nowTick) {
                    lastTick++;
                    processSlot((int) (lastTick & (SLOTS - 1)), now);
                }
                if (scheduled == 0 && queue.get() == null) {
                    sleeping = true;
                    if (queue.get() == null) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    lastTick = tickOf(System.nanoTime());
                } else {
                    long next = origin + (lastTick + 1) * TICK;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(this, wait);
                    }
                }
            } catch (Throwable t) {
                // The timer must survive anything a connection does.
                t.printStackTrace();
            }
        }
    }

    private void drainQueue() {
        Conn c = queue.getAndSet(null);
        while (c != null) {
            Conn next = c.queueNext;
            c.queueNext = null;
            Conn.QUEUED.setVolatile(c, 0);
            reschedule(c, System.nanoTime());
            c = next;
        }
    }

    private void processSlot(int slot, long now) {
        Conn c = heads[slot];
        heads[slot] = null;
        while (c != null) {
            Conn next = c.wheelNext;
            c.wheelNext = null;
            c.wheelPrev = null;
            c.wheelSlot = -1;
            scheduled--;
            c.scheduledAt = 0;
            if (!c.isClosed()) {
                c.checkDeadlines(now);
                reschedule(c, now);
            }
            c = next;
        }
    }

    /** Puts the connection in the slot of its earliest deadline, or takes it out of the wheel. */
    private void reschedule(Conn c, long now) {
        unlink(c);
        if (c.isClosed()) {
            c.scheduledAt = 0;
            return;
        }
        long due = c.earliestDeadline();
        if (due == 0) {
            c.scheduledAt = 0;
            // An armer that stored a deadline just before seeing scheduledAt == 0 queues itself; one that
            // stored it before we wrote 0 is seen by this second read.
            due = c.earliestDeadline();
            if (due == 0) {
                return;
            }
        }
        if (due - now > SPAN) {
            due = now + SPAN;
        }
        long tick = Math.max(tickOf(due) + 1, lastTick + 1); // the slot is processed once its tick ended
        int slot = (int) (tick & (SLOTS - 1));
        c.wheelSlot = slot;
        c.wheelNext = heads[slot];
        if (heads[slot] != null) {
            heads[slot].wheelPrev = c;
        }
        heads[slot] = c;
        scheduled++;
        c.scheduledAt = origin + tick * TICK;
    }

    private void unlink(Conn c) {
        int slot = c.wheelSlot;
        if (slot < 0) {
            return;
        }
        if (c.wheelPrev != null) {
            c.wheelPrev.wheelNext = c.wheelNext;
        } else {
            heads[slot] = c.wheelNext;
        }
        if (c.wheelNext != null) {
            c.wheelNext.wheelPrev = c.wheelPrev;
        }
        c.wheelNext = null;
        c.wheelPrev = null;
        c.wheelSlot = -1;
        scheduled--;
    }
}
