package io.hourglass.net;

import io.hourglass.internal.time.Timers;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The timer thread that enforces the deadlines of every {@link Conn} on one {@link Clock}: {@link #INSTANCE}
 * for the system clock (one per JVM), and one per other clock (a test's manual clock).
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
 * <p>The thread sleeps (through {@link Clock#sleepUntil}) until the tick of the next non-empty slot or the
 * next task, or until an armer queues something earlier; a server whose connections all have far deadlines
 * wakes about once per connection per wheel turn, and one with no deadline armed not at all.
 *
 * <p>Besides connections it runs one-shot tasks ({@link Timers}), kept in a heap: waits that have no
 * connection (the client's pool wait, a dial's fallback delay). They are few, so a heap is enough.
 *
 * <p>The timer never blocks on a connection: expiring one is a {@code shutdown} or a non-lingering close.
 * Alarms ({@link Conn#setAlarm}) and tasks run on the timer thread and must only hand work off.
 */
final class DeadlineTimer implements Runnable {
    static final int TICK_MILLIS = 1;
    static final int SLOTS = 1024; // one turn is about one second
    private static final long TICK = TICK_MILLIS * 1_000_000L;
    private static final long SPAN = TICK * (SLOTS - 1);

    static final DeadlineTimer INSTANCE = new DeadlineTimer(Clock.system(), "hourglass-deadlines");
    // Timers of other clocks. A test's clock and its timer live as long as the clock is reachable from
    // elsewhere: the timer's thread holds it only while it sleeps on it.
    private static final Map<Clock, DeadlineTimer> OTHERS = new WeakHashMap<>(); // guarded by itself

    static {
        Timers.install((clock, at, action) -> of(clock).schedule(at, action));
    }

    private final Clock clock;
    private final Conn[] heads = new Conn[SLOTS];   // timer thread only
    private final AtomicReference<Conn> queue = new AtomicReference<>(); // intrusive Treiber stack
    private final ConcurrentLinkedQueue<Task> newTasks = new ConcurrentLinkedQueue<>(); // from any thread
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(); // timer thread only
    private final Thread thread;
    private final long origin;
    private long lastTick;            // timer thread only: the last tick whose slot was processed
    private int scheduled;            // timer thread only
    private volatile long wakeups;     // written by the timer thread only; for tests
    // Whether the thread is (about to be) asleep, and until when. Written by the timer (wakeAt first), read by
    // armers after they queued a connection or a task: they unpark it when it sleeps past their deadline.
    private static final int AWAKE = 0, TIMED = 1, FOREVER = 2;
    private volatile int sleeping;
    private volatile long wakeAt;

    private DeadlineTimer(Clock clock, String name) {
        this.clock = clock;
        this.origin = clock.nanoTime();
        lastTick = 0;
        thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
        thread.setPriority(Thread.MAX_PRIORITY);
        clock.wake(thread); // busy until its first sleep: a manual clock's advance waits for it from now on
        thread.start();
    }

    /** The timer of {@code clock}, started on first use. */
    static DeadlineTimer of(Clock clock) {
        if (clock == SystemClock.INSTANCE) {
            return INSTANCE;
        }
        synchronized (OTHERS) { // no I/O, no blocking under it
            return OTHERS.computeIfAbsent(clock, c -> new DeadlineTimer(c, "hourglass-deadlines-" + c));
        }
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
        wakeFor(due);
    }

    /** Runs {@code action} on the timer thread at about {@code at}. */
    Timers.Task schedule(long at, Runnable action) {
        Task t = new Task(at, action);
        newTasks.add(t);
        wakeFor(at);
        return t;
    }

    private void wakeFor(long due) {
        int sleep = sleeping;
        if (sleep == FOREVER || (sleep == TIMED && due - wakeAt < 0)) {
            clock.wake(thread);
        }
    }

    @Override
    public void run() {
        while (true) {
            try {
                turn();
            } catch (Throwable t) {
                // The timer must survive anything a connection or a task does.
                t.printStackTrace();
            }
        }
    }

    /** One round: take what was queued, expire what is due, then sleep until the next thing is. */
    private void turn() {
        long now = clock.nanoTime();
        long nowTick = tickOf(now);
        if (scheduled == 0) {
            lastTick = Math.max(lastTick, nowTick - 1); // an empty wheel has no tick to catch up on
        } else if (nowTick - lastTick > SLOTS) {
            lastTick = nowTick - SLOTS; // after a long sleep, visit each slot once
        }
        // Queued after the catch-up above, so that a deadline already due lands in this turn's last tick.
        drainQueue(now);
        while (lastTick < nowTick) {
            lastTick++;
            int slot = (int) (lastTick & (SLOTS - 1));
            if (heads[slot] != null) {
                processSlot(slot, now);
            }
        }
        runTasks(now);
        long wake = nextWake();
        if (wake == 0) {
            sleeping = FOREVER;
        } else {
            wakeAt = wake;
            sleeping = TIMED;
        }
        if (queue.get() == null && newTasks.isEmpty()) {
            clock.sleepUntil(wake);
        }
        sleeping = AWAKE;
        wakeups = wakeups + 1;
    }

    /** The instant to wake at: the next non-empty slot's tick, or the next task; 0 for nothing scheduled. */
    private long nextWake() {
        long wake = scheduled == 0 ? 0 : origin + nextOccupiedTick() * TICK;
        Task next = tasks.peek();
        if (next != null && (wake == 0 || next.at - wake < 0)) {
            wake = next.at;
        }
        return wake;
    }

    /** How many times the timer thread has woken up since it started. */
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

    private void drainQueue(long now) {
        Conn c = queue.getAndSet(null);
        while (c != null) {
            Conn next = c.queueNext;
            c.queueNext = null;
            Conn.QUEUED.setVolatile(c, 0);
            reschedule(c, now);
            c = next;
        }
        Task t;
        while ((t = newTasks.poll()) != null) {
            tasks.add(t);
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

    private void runTasks(long now) {
        Task t;
        while ((t = tasks.peek()) != null && now - t.at >= 0) {
            tasks.poll();
            if (!t.cancelled) {
                t.action.run();
            }
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
        // The slot is processed once its tick has ended, so never early; a deadline on a tick's boundary is the
        // end of the tick before (due - 1), so that a manual clock advanced by whole milliseconds fires it then.
        long tick = Math.max(tickOf(due - 1) + 1, lastTick + 1);
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

    /** A one-shot task; ordered by its instant. */
    private static final class Task implements Timers.Task, Comparable<Task> {
        final long at;
        final Runnable action;
        // Set by any thread, read by the timer thread: a cancelled task stays in the heap until due, skipped.
        volatile boolean cancelled;

        Task(long at, Runnable action) {
            this.at = at;
            this.action = action;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Task o) {
            return Long.compare(at - o.at, 0);
        }
    }
}
