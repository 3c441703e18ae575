// proto-vt: a virtual thread per connection reading a blocking java.net.Socket: the JDK's own
// virtual-thread I/O path (one-shot epoll re-arm per read that would block, the poller's hand-off,
// mount/unmount), with none of Hourglass's code. The floor of the current core.

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

final class ProtoVt {
    private ProtoVt() {}

    static Runnable acceptor(ServerSocket server) {
        return () -> {
            try (var ss = server) {
                while (true) {
                    Socket s = ss.accept();
                    s.setTcpNoDelay(true);
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        };
    }

    // The JDK's NioSocketImpl: on a virtual thread a read that would block parks it on the JDK's poller.
    private static void serve(Socket s) {
        byte[] arr = new byte[4096];
        ByteBuffer buf = ByteBuffer.wrap(arr);
        ProtoHttp.Request req = new ProtoHttp.Request();
        int start = 0;
        int end = 0;
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                int used = ProtoHttp.parse(buf, start, end, req);
                if (used == ProtoHttp.BAD) return;
                if (used == ProtoHttp.INCOMPLETE) {
                    if (start > 0) {   // compact, then read more
                        System.arraycopy(arr, start, arr, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == arr.length) return;
                    int n = in.read(arr, end, arr.length - end);
                    if (n < 0) return;
                    end += n;
                    continue;
                }
                start += used;
                if (start == end) start = end = 0;
                out.write(ProtoHttp.respond(req));
                if (req.close) return;
            }
        } catch (Exception e) {
            // the peer reset or closed: the connection ends
        }
    }
}
