package io.hourglass.bench.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Version;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark peer: Netty 4.2, NIO transport, {@code HttpServerCodec} and one handler that writes a prebuilt
 * {@code 200 hello\n} for {@code GET /hello} and 404 for anything else.
 *
 * <p>Usage: {@code java -jar netty-hello.jar PORT [HOST]} (port 0 picks a free port; HOST, the address to
 * listen on, defaults to 127.0.0.1) or {@code --version}. Prints {@code listening on http://HOST:PORT} once it
 * accepts connections, like {@code hourglass serve}.
 */
public final class NettyHello {
    private NettyHello() {}

    private static FullHttpResponse prebuilt(HttpResponseStatus status, String body, boolean close) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (close) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    // Written as retainedDuplicate(): the content buffer and headers are shared, never released to zero.
    private static final FullHttpResponse HELLO = prebuilt(HttpResponseStatus.OK, "hello\n", false);
    private static final FullHttpResponse HELLO_CLOSE = prebuilt(HttpResponseStatus.OK, "hello\n", true);
    private static final FullHttpResponse NOT_FOUND = prebuilt(HttpResponseStatus.NOT_FOUND, "", false);
    private static final FullHttpResponse NOT_FOUND_CLOSE = prebuilt(HttpResponseStatus.NOT_FOUND, "", true);

    /** Answers each request head; the body parts the codec emits after it (none for GET) are ignored. */
    @ChannelHandler.Sharable
    static final class HelloHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest req)) return;
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            boolean hello = HttpMethod.GET.equals(req.method()) && path.equals("/hello");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            FullHttpResponse r = hello ? (keepAlive ? HELLO : HELLO_CLOSE) : (keepAlive ? NOT_FOUND : NOT_FOUND_CLOSE);
            if (keepAlive) {
                ctx.write(r.retainedDuplicate());
            } else {
                ctx.writeAndFlush(r.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) ctx.close(); else super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--version")) {
            Version v = Version.identify().get("netty-codec-http");
            System.out.println("netty " + (v == null ? "unknown" : v.artifactVersion()) + " (nio)");
            return;
        }
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: netty-hello PORT [HOST]   (port 0 picks a free port; HOST defaults to 127.0.0.1)");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("netty-hello: not a port: " + args[0]);
            System.exit(2);
            return;
        }
        String host = args.length == 2 ? args[1] : "127.0.0.1";
        String urlHost = host.contains(":") ? "[" + host + "]" : host;  // an IPv6 literal in a URL

        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()); // default: 2 x cores
        HelloHandler handler = new HelloHandler();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS)) // keep-alive idle limit
                                .addLast(handler);
                    }
                });
        Channel server = b.bind(host, port).sync().channel();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close().syncUninterruptibly();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }));
        System.out.println("listening on http://" + urlHost + ":" + ((InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        server.closeFuture().sync();
    }
}
