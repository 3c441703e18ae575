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
 * <p>The thread sleeps until the tick of the next non-empty slot (or until an armer queues a connection), not
 * tick by tick: a server whose connections all have far deadlines wakes about once per connection per wheel
 * turn, and one with no deadline armed not at all.
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
    private volatile long wakeups;     // written by the timer thread only; for tests
    // Whether the thread is (about to be) parked, and until when. Written by the timer (wakeAt first), read by
    // armers after they queued a connection: they unpark it when it sleeps past their deadline.
    private static final int AWAKE = 0, TIMED = 1, FOREVER = 2;
    private volatile int sleeping;
    private volatile long wakeAt;

    private DeadlineTimer() {
        lastTick = tickOf(System.nanoTime());
        thread = Thread.ofPlatform().daemon().name("hourglass-deadlines").unstarted(this);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    private long tickOf(long nanos) {
        return (nanos - origin) / TICK;
    }

    /**
     * Called by arming threads: the connection needs (re)scheduling for {@code due}, earlier than it is now.
     * Wakes the timer only when it sleeps past {@code due}.
     */
    void enqueue(Conn c, long due) {
        if (Conn.QUEUED.compareAndSet(c, 0, 1)) {
            Conn head;
            do {
                head = queue.get();
                c.queueNext = head;
            } while (!queue.compareAndSet(head, c));
        }
        // Else it is queued already, perhaps for a later deadline that did not wake the timer: the timer will
        // read the newest deadlines when it drains the queue, but it must wake for this one.
        int sleep = sleeping;
        if (sleep == FOREVER || (sleep == TIMED && due - wakeAt < 0)) {
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
                if (nowTick - lastTick > SLOTS) {
                    lastTick = nowTick - SLOTS; // after a long sleep, visit each slot once
                }
                while (lastTick < nowTick) {
                    lastTick++;
                    int slot = (int) (lastTick & (SLOTS - 1));
                    if (heads[slot] != null) {
                        processSlot(slot, now);
                    }
                }
                long wakeTick = scheduled == 0 ? -1 : nextOccupiedTick();
                if (wakeTick < 0) {
                    sleeping = FOREVER;
                } else {
                    wakeAt = origin + wakeTick * TICK;
                    sleeping = TIMED;
                }
                if (queue.get() == null) {
                    if (wakeTick < 0) {
                        LockSupport.park(this);
                    } else {
                        long wait = wakeAt - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(this, wait);
                        }
                    }
                }
                sleeping = AWAKE;
                wakeups = wakeups + 1;
                if (wakeTick < 0) {
                    lastTick = tickOf(System.nanoTime()); // nothing was scheduled: no tick to catch up on
                }
            } catch (Throwable t) {
                // The timer must survive anything a connection does.
                t.printStackTrace();
            }
        }
    }

    /** How many times the timer thread has woken up since the JVM started. */
    long wakeups() {
        return wakeups;
    }

    /** The first tick after {@code lastTick} whose slot holds a connection; only called when one does. */
    private long nextOccupiedTick() {
        for (int k = 1; k <= SLOTS; k++) {
            if (heads[(int) ((lastTick + k) & (SLOTS - 1))] != null) {
                return lastTick + k;
            }
        }
        return lastTick + 1; // unreachable while scheduled > 0
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
