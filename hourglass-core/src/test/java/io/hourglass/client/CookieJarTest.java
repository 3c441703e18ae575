package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.client.CookieJar.Cookie;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6265's parsing (section 5.2), storage (5.3) and retrieval (5.4) rules, no socket (issue 13). */
class CookieJarTest {
    static final URI SHOP = URI.create("https://www.shop.example/cart/items?x=1");

    static Cookie parse(URI u, String header) {
        return Cookie.parse(u, header);
    }

    static String names(CookieJar jar, String url) {
        StringBuilder sb = new StringBuilder();
        for (Cookie c : jar.load(URI.create(url))) {
            sb.append(sb.isEmpty() ? "" : " ").append(c.name()).append('=').append(c.value());
        }
        return sb.toString();
    }

    @Test
    void aHostOnlyCookieGoesToItsHostAndPathOnly() {
        Cookie c = parse(SHOP, "sid=abc; HttpOnly");
        assertThat(c).isEqualTo(new Cookie("sid", "abc", "www.shop.example", "/cart", null, true, false, true));
        assertThat(c.matches(URI.create("https://www.shop.example/cart"))).isTrue();
        assertThat(c.matches(URI.create("https://www.shop.example/cart/x/y"))).isTrue();
        assertThat(c.matches(URI.create("https://www.shop.example/cartoon"))).isFalse();
        assertThat(c.matches(URI.create("https://shop.example/cart"))).isFalse();
        assertThat(c.matches(URI.create("https://a.www.shop.example/cart"))).isFalse();
    }

    @Test
    void aDomainCookieGoesToTheDomainAndItsSubdomains() {
        Cookie c = parse(SHOP, "pref=1; Domain=.Shop.Example; Path=/");
        assertThat(c.domain()).isEqualTo("shop.example");
        assertThat(c.hostOnly()).isFalse();
        assertThat(c.matches(URI.create("http://shop.example/"))).isTrue();
        assertThat(c.matches(URI.create("http://img.shop.example/a"))).isTrue();
        assertThat(c.matches(URI.create("http://badshop.example/"))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
        "no equals sign => noequals",
        "=empty name => =v",
        "another domain => a=1; Domain=other.example",
        "a parent that is a single label => a=1; Domain=example",
        "a subdomain of the host => a=1; Domain=sub.www.shop.example",
        "Secure from http => a=1; Secure",
        "__Secure- without Secure => __Secure-a=1",
        "__Host- with a Domain => __Host-a=1; Secure; Domain=shop.example; Path=/",
        "__Host- with another path => __Host-a=1; Secure; Path=/cart",
    })
    void cookiesToIgnore(String what, String header) {
        URI from = header.contains("Secure; Domain") || header.contains("Path=/cart") ? SHOP
                : URI.create("http://www.shop.example/cart/items");
        assertThat(parse(from, header)).as(what).isNull();
    }

    @Test
    void prefixedCookiesThatKeepTheirPromisesAreKept() {
        assertThat(parse(SHOP, "__Host-id=1; Secure; Path=/")).isNotNull();
        assertThat(parse(SHOP, "__Secure-id=1; Secure; Domain=shop.example")).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
        "Wed, 21 Oct 2015 07:28:00 GMT => 2015-10-21T07:28:00Z",
        "Sunday, 06-Nov-94 08:49:37 GMT => 1994-11-06T08:49:37Z",
        "Sun Nov  6 08:49:37 1994 => 1994-11-06T08:49:37Z",
        "6 nov 2030 8:9:7 => 2030-11-06T08:09:07Z",
        "Thu, 01-Jan-1970 00:00:01 GMT => 1970-01-01T00:00:01Z",
    })
    void cookieDatesInTheirManyForms(String date, String instant) {
        assertThat(SetCookie.date(date)).isEqualTo(Instant.parse(instant));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"31 Feb 2030 10:00:00", "Wed 21 Oct 1600 07:28:00", "no date here", "21 Oct 2015", "21 Oct 2015 25:00:00"})
    void badCookieDatesAreIgnored(String date) {
        assertThat(SetCookie.date(date)).isNull();
    }

    @Test
    void maxAgeWinsOverExpiresAndZeroExpires() {
        Instant now = Instant.now();
        Cookie c = parse(SHOP, "a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=3600");
        assertThat(c.expires()).isBetween(now.plusSeconds(3599), now.plusSeconds(3601));
        assertThat(parse(SHOP, "a=1; Max-Age=0").expired(now)).isTrue();
        assertThat(parse(SHOP, "a=1; Max-Age=-5").expired(now)).isTrue();
        assertThat(parse(SHOP, "a=1; Max-Age=soon").expires()).isNull(); // a bad Max-Age is ignored
    }

    @Test
    void theJarReplacesDeletesExpiresAndOrdersByPath() {
        CookieJar jar = CookieJar.inMemory();
        URI u = URI.create("http://www.shop.example/cart/items");
        jar.save(u, List.of(parse(u, "a=1; Path=/"), parse(u, "b=2"), parse(u, "c=3; Path=/cart/items")));
        assertThat(names(jar, "http://www.shop.example/cart/items")).isEqualTo("c=3 b=2 a=1");
        assertThat(names(jar, "http://www.shop.example/")).isEqualTo("a=1");

        jar.save(u, List.of(parse(u, "a=9; Path=/"))); // same name, domain and path: replaced in place
        jar.save(u, List.of(parse(u, "b=; Max-Age=0"))); // expired: deletes b
        assertThat(names(jar, "http://www.shop.example/cart/x")).isEqualTo("a=9");

        String past = ZonedDateTime.now(ZoneOffset.UTC).minusDays(1).format(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        jar.save(u, List.of(new Cookie("gone", "1", "www.shop.example", "/", Instant.now().plusMillis(50), true, false, false)));
        assertThat(names(jar, "http://www.shop.example/")).contains("gone=1");
        jar.save(u, List.of(parse(u, "a=1; Path=/; Expires=" + past)));
        assertThat(names(jar, "http://www.shop.example/")).doesNotContain("a=");
    }

    @Test
    void secureCookiesGoOverHttpsOnly() {
        CookieJar jar = CookieJar.inMemory();
        jar.save(SHOP, List.of(parse(SHOP, "s=1; Secure; Path=/")));
        assertThat(names(jar, "https://www.shop.example/")).isEqualTo("s=1");
        assertThat(names(jar, "http://www.shop.example/")).isEmpty();
    }

    @Test
    void theJarKeepsAtMost3000CookiesDroppingTheOldest() {
        CookieJar jar = CookieJar.inMemory();
        URI u = URI.create("http://h.example/");
        for (int i = 0; i < 3005; i++) {
            jar.save(u, List.of(parse(u, "c" + i + "=" + i)));
        }
        List<Cookie> all = jar.load(u);
        assertThat(all).hasSize(3000);
        assertThat(all.get(0).name()).isEqualTo("c5");
    }
}
