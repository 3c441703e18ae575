package io.hourglass.internal;

/**
 * What a public class lends to Hourglass's other packages without making it public API (the pattern of the
 * JDK's {@code SharedSecrets}): the lending class installs it once, from its static initializer, and a borrower
 * gets it, initializing the lending class first when that has not happened yet. One instance per lending class,
 * held by its borrowers' route ({@link HeadersAccess}, {@code GaugeAccess}, {@code internal.io.ConnAccess},
 * {@code internal.time.Timers}); this package is not exported.
 *
 * @param <T> what is lent
 */
public final class Lent<T> {
    private final String lender; // the lending class's binary name
    // Written once, by the lender's static initializer. Volatile so that a reader never depends on how class
    // initialization orders the write before another thread's first use; a plain load on x86.
    private volatile T value;

    /**
     * A loan from {@code lender}.
     *
     * @param lender the binary name of the class whose static initializer calls {@link #install}
     */
    public Lent(String lender) {
        this.lender = lender;
    }

    /** Called once, by the lender's static initializer; a second call fails. */
    public void install(T v) {
        if (value != null) {
            throw new IllegalStateException(lender + " already lent");
        }
        value = v;
    }

    /** {@return what the lender lent}, initializing the lender first when nothing is installed yet */
    public T get() {
        T v = value;
        if (v != null) {
            return v;
        }
        try {
            Class.forName(lender, true, Lent.class.getClassLoader()); // runs its static initializer
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return value;
    }
}
