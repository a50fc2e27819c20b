package dev.nodemedic.core.http;

import dev.nodemedic.core.plugins.HeldBackJars;
import dev.nodemedic.core.plugins.Refusals;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.OwnedCondition;
import dev.nodemedic.reporter.RecentEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Renders the status page: plain server-side HTML a person reads on the node, refreshed every few seconds. */
final class StatusPage {
    private StatusPage() {
    }

    static String render(AgentInfo agent, Instant now, List<DaemonStatus> daemons, List<HeldBackJars.HeldBackJar> heldBack,
            List<Refusals.Refusal> refusals, BookSnapshot book,
            List<RecentEvents.Entry> events) {
        StringBuilder html = new StringBuilder(8192);
        html.append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
                """).append("<title>nodemedic on ").append(esc(agent.nodeName())).append("""
                </title>
                <style>
                body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem 2rem;color:#1d1d1f}
                h1{font-size:1.35rem;margin:0 0 .2rem} h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
                .sub{color:#666} table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #e4e4e7;vertical-align:top}
                th{font-weight:600;background:#f6f6f7} .ok{color:#137333} .bad{color:#b3261e;font-weight:600} .unk{color:#a15c00;font-weight:600}
                .none{color:#888;font-style:italic} code{font-size:.9em}
                </style></head><body>
                """);
        html.append("<h1>nodemedic on ").append(esc(agent.nodeName())).append("</h1>");
        html.append("<div class=\"sub\">version ").append(esc(agent.version())).append(" · ").append(esc(agent.mode())).append(" mode · up ")
                .append(seconds(Duration.between(agent.startedAt(), now))).append(" · plugins from <code>").append(esc(agent.pluginsDir()))
                .append("</code>").append(agent.reportSocket().isEmpty() ? "" : " · remote daemons report on <code>" + esc(agent.reportSocket()) + "</code>")
                .append(" · <a href=\"/conditions\">/conditions</a> · <a href=\"/healthz\">/healthz</a></div>");

        html.append("<h2>Conditions</h2>");
        if (book.all().isEmpty()) {
            html.append("<p class=\"none\">No daemon has declared a condition.</p>");
        } else {
            html.append("<table><tr><th>Type</th><th>Status</th><th>Reason</th><th>Message</th><th>Since</th><th>Daemon</th></tr>");
            for (OwnedCondition owned : book.all()) {
                var c = owned.condition();
                String css = c.status() == ConditionStatus.FALSE ? "ok" : c.status() == ConditionStatus.TRUE ? "bad" : "unk";
                html.append("<tr><td>").append(esc(c.type())).append("</td><td class=\"").append(css).append("\">").append(c.status().apiValue())
                        .append("</td><td>").append(esc(c.reason())).append("</td><td>").append(esc(c.message())).append("</td><td>")
                        .append(when(c.lastTransitionTime(), now)).append("</td><td>").append(esc(owned.owner())).append("</td></tr>");
            }
            html.append("</table>");
        }

        html.append("<h2>Daemons</h2>");
        if (daemons.isEmpty()) {
            html.append("<p class=\"none\">No daemon runs. Put daemon plugin jars in the plugins folder; they start within seconds."
                    + " Daemons in their own containers register on the report socket.</p>");
        } else {
            html.append("<table><tr><th>Daemon</th><th>Plugin</th><th>Version</th><th>State</th><th>Restarts</th><th>Last error</th></tr>");
            for (DaemonStatus d : daemons) {
                String css = switch (d.state()) {
                    case RUNNING -> "ok";
                    case BACKING_OFF, LEASE_EXPIRED -> "bad";
                    case STOPPED -> "";
                };
                String state = d.state().name().toLowerCase().replace('_', ' ') + " since " + when(d.since(), now)
                        + d.nextStart().map(at -> ", next start " + when(at, now)).orElse("");
                html.append("<tr><td>").append(esc(d.instanceName())).append("</td><td>").append(esc(d.pluginId())).append("</td><td>")
                        .append(esc(d.pluginVersion())).append("</td><td class=\"").append(css).append("\">").append(esc(state)).append("</td><td>")
                        .append(d.restarts()).append("</td><td>").append(esc(d.lastError().orElse("—"))).append("</td></tr>");
            }
            html.append("</table>");
        }

        // Not an error: the agent was told to run only the listed daemons (NPD's flags). Listed here because an
        // operator looking for a daemon that does not run finds it nowhere else but the log and check-config.
        html.append("<h2>Held back</h2>");
        if (heldBack.isEmpty()) {
            html.append("<p class=\"none\">Nothing held back.</p>");
        } else {
            html.append("<table><tr><th>Jar</th><th>Why it is not loaded</th></tr>");
            for (HeldBackJars.HeldBackJar held : heldBack) {
                html.append("<tr><td><code>").append(esc(held.jar())).append("</code></td><td>").append(esc(held.why())).append("</td></tr>");
            }
            html.append("</table>");
        }

        html.append("<h2>Refused</h2>");
        if (refusals.isEmpty()) {
            html.append("<p class=\"none\">Nothing refused.</p>");
        } else {
            html.append("<table><tr><th>Jar or config file</th><th>Why</th><th>When</th></tr>");
            for (Refusals.Refusal r : refusals) {
                html.append("<tr><td><code>").append(esc(r.jar())).append("</code></td><td class=\"bad\">").append(esc(r.why())).append("</td><td>")
                        .append(when(r.at(), now)).append("</td></tr>");
            }
            html.append("</table>");
        }

        html.append("<h2>Recent events</h2>");
        if (events.isEmpty()) {
            html.append("<p class=\"none\">No events yet.</p>");
        } else {
            html.append("<table><tr><th>When</th><th>Type</th><th>Reason</th><th>Message</th><th>Source</th></tr>");
            for (RecentEvents.Entry e : events) {
                var event = e.event();
                html.append("<tr><td>").append(when(event.timestamp(), now)).append("</td><td>").append(event.severity().eventType())
                        .append("</td><td>").append(esc(event.reason())).append("</td><td>").append(esc(event.message())).append("</td><td>")
                        .append(esc(event.source())).append("</td></tr>");
            }
            html.append("</table>");
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** A time as people read it on a page: to the second, with how long ago (or how soon) it is. */
    static String when(Instant at, Instant now) {
        Duration d = Duration.between(at, now);
        // To the second: the page is re-read, not parsed, and nanoseconds would only make it flicker.
        String relative = d.isNegative() ? "in " + seconds(d.negated()) : seconds(d) + " ago";
        return CLOCK.format(at) + " (" + relative + ")";
    }

    private static String seconds(Duration d) {
        return GoDuration.formatShort(d.truncatedTo(ChronoUnit.SECONDS));
    }
}
