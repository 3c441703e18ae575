#!/usr/bin/env python3
"""own-code.py COLLAPSED [--frames [N]]: where Hourglass's own CPU samples go in an async-profiler collapsed-stack
file (server-profile.sh's cpu.collapsed; a .gz is read as such). A sample is Hourglass's own when its deepest
io/hourglass frame does not call into the kernel or the JDK's socket and virtual-thread machinery (a clock read
still counts as own). Default: the shares by area, the rows of docs/BENCHMARKS.md's server profile tables. With
--frames: the N (default 40) largest deepest own frames, then with the leaf each calls."""
import collections
import gzip
import sys

IO = ('NioSocketImpl', 'SocketInputStream', 'SocketOutputStream', 'Continuation', 'VirtualThread', 'ForkJoin',
      'Poller', 'LockSupport', 'Unsafe.park', 'jdk/internal/vm', 'sun/nio/ch')


def area(frame, leaf):
    if 'vdso' in leaf or 'clock_gettime' in leaf or 'javaTimeNanos' in leaf or 'javaTimeMillis' in leaf:
        return 'clock reads (System.nanoTime, currentTimeMillis)'
    if 'getAndClearInterrupt' in leaf:
        return 'interrupt status cleared'
    for names, name in (
            (('observe/',), 'metrics'),
            (('DeadlineTimer', 'net/Conn.'), 'deadlines (Conn arming, timer)'),
            (('OutBuffer',), 'write buffer (pool, head bytes)'),
            (('H1Parser', 'QuickRequest', 'KnownNames', 'TargetSyntax', 'InBuffer', 'RequestHead'), 'head parsing'),
            (('HandlerGuard', 'ReadAhead'), 'handler guard (timeout, watch)'),
            (('RouteTable', 'Router', 'RoutePattern'), 'routing'),
            (('H1Exchange', 'Response', 'HttpDate'), 'response head and body'),
            (('Headers', 'Request', 'Deadline', 'BodyIn'), 'request objects, header lookups, deadline')):
        if any(n in frame for n in names):
            return name
    return 'connection loop (ServerConn, H1Wire, other)'


def own_samples(path):
    """Yields (total samples of the line, the deepest own frame or None, the frames below it, clock read)."""
    with (gzip.open(path, 'rt') if path.endswith('.gz') else open(path)) as f:
        for line in f:
            stack, n = line.rsplit(' ', 1)
            frames = stack.split(';')
            idx = next((i for i in range(len(frames) - 1, -1, -1) if 'io/hourglass' in frames[i]), None)
            below = frames[idx + 1:] if idx is not None else []
            clock = any('clock_gettime' in x or 'vdso' in x for x in below)
            if idx is not None and not clock and (any(x.endswith('_[k]') for x in below)
                                                  or any(any(s in x for s in IO) for x in below)):
                idx = None  # waiting in the kernel or the JDK's I/O path: not own work
            yield int(n), frames[idx] if idx is not None else None, below, clock


def main(args):
    if not args or args[0].startswith('-'):
        sys.exit(__doc__)
    frames_mode = '--frames' in args
    top = int(args[args.index('--frames') + 1]) if frames_mode and args[-1] != '--frames' else 40
    total = 0
    areas, frames, leaves = collections.Counter(), collections.Counter(), collections.Counter()
    for n, frame, below, clock in own_samples(args[0]):
        total += n
        if frame is None:
            continue
        leaf = below[-1] if below else ''
        areas[area(frame, 'vdso' if clock else leaf)] += n
        frames[frame] += n
        if below:
            leaves[frame + ' -> ' + leaf] += n
    if frames_mode:
        for k, v in frames.most_common(top):
            print(f'{100 * v / total:5.2f}%  {k}')
        print('--- with callee leaf')
        for k, v in leaves.most_common(30):
            print(f'{100 * v / total:5.2f}%  {k}')
        return
    print(f'own total {100 * sum(areas.values()) / total:.1f}% of {total} samples')
    for k, v in areas.most_common():
        print(f'{100 * v / total:5.2f}%  {k}')


main(sys.argv[1:])
