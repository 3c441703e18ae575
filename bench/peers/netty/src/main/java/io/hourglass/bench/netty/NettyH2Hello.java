package io.hourglass.bench.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.Version;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark peer for bench/h2-compare.sh: Netty 4.2 answering {@code GET /hello} with {@code hello\n} over
 * HTTP/2, frame by frame on the connection's channel ({@code Http2FrameCodec}, no child channel per stream: the
 * cheapest way Netty offers).
 *
 * <p>Usage: {@code java -cp netty-hello.jar io.hourglass.bench.netty.NettyH2Hello PORT HOST h2c} (cleartext,
 * prior knowledge) or {@code ... PORT HOST h2 CERT.pem KEY.pem} (TLS, ALPN h2, the JDK's TLS). Prints
 * {@code listening on http(s)://HOST:PORT} once it accepts connections.
 */
public final class NettyH2Hello {
    private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.US_ASCII);

    private NettyH2Hello() {}

    /** Answers each request's HEADERS; DATA frames of a request (none for GET) are dropped. */
    static final class HelloH2Handler extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
                respond(ctx, h.stream(), h.headers());
            } else if (msg instanceof Http2DataFrame d) {
                d.release();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void respond(ChannelHandlerContext ctx, Http2FrameStream stream, Http2Headers req) {
            boolean hello = "GET".contentEquals(req.method()) && "/hello".contentEquals(req.path());
            Http2Headers headers = new DefaultHttp2Headers().status(hello ? "200" : "404");
            if (!hello) {
                ctx.write(new DefaultHttp2HeadersFrame(headers, true).stream(stream));
                return;
            }
            headers.set("content-type", "text/plain; charset=utf-8").setInt("content-length", BODY.length);
            ByteBuf body = Unpooled.wrappedBuffer(BODY);
            ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(body, true).stream(stream));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static void h2(ChannelPipeline p) {
        p.addLast(Http2FrameCodecBuilder.forServer().build(), new HelloH2Handler());
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--version")) {
            Version v = Version.identify().get("netty-codec-http2");
            System.out.println("netty " + (v == null ? "unknown" : v.artifactVersion()) + " (nio, Http2FrameCodec)");
            return;
        }
        boolean tls = args.length == 5 && args[2].equals("h2");
        if (!tls && !(args.length == 3 && args[2].equals("h2c"))) {
            System.err.println("usage: NettyH2Hello PORT HOST h2c | NettyH2Hello PORT HOST h2 CERT.pem KEY.pem");
            System.exit(2);
        }
        SslContext ssl = !tls ? null : SslContextBuilder.forServer(new File(args[3]), new File(args[4]))
                .sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()); // default: 2 x cores
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl == null) {
                            h2(ch.pipeline());
                            return;
                        }
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler("") {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.close();
                                    return;
                                }
                                h2(ctx.pipeline());
                            }
                        });
                    }
                });
        Channel server = b.bind(args[1], Integer.parseInt(args[0])).sync().channel();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close().syncUninterruptibly();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }));
        System.out.println("listening on " + (tls ? "https" : "http") + "://" + args[1] + ":"
                + ((InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        server.closeFuture().sync();
    }
}
