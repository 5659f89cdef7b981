#include "Fragments.h"

namespace medbox::firewall {

// 10-base: what every profile needs before any zone is considered.
void renderBase(const FirewallConfig&, RulesetBuilder& b) {
    using enum BaseChain;
    b.rule(Input, "iif \"lo\" accept");
    // Loopback sources arriving on a real NIC are spoofed.
    b.rule(Input, "ip saddr 127.0.0.0/8 drop");
    b.rule(Input, "ip6 saddr ::1 drop");
    b.rule(Input, "ct state invalid drop");
    // Echo stays available for diagnosis, rate-limited so that it cannot be
    // used to flood the appliance. These come before "established": conntrack
    // keys echo by ICMP id, so every later request with the same id would
    // count as established and bypass the limit (the netns test caught this).
    b.rule(Input, "icmp type echo-request limit rate 5/second burst 10 packets accept");
    b.rule(Input, "icmp type echo-request drop");
    b.rule(Input, "icmpv6 type echo-request limit rate 5/second burst 10 packets accept");
    b.rule(Input, "icmpv6 type echo-request drop");
    b.rule(Input, "ct state established,related accept");
    // ICMP errors are what path-MTU discovery and fast failure rely on;
    // dropping them breaks TLS over links with a smaller MTU.
    b.rule(Input, "icmp type { destination-unreachable, time-exceeded, parameter-problem } accept");
    b.rule(Input, "icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept");
    // Neighbour discovery is IPv6's ARP: without it no IPv6 address is
    // reachable. Hop limit 255 proves the sender is on the link.
    b.rule(Input,
           "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } "
           "ip6 hoplimit 255 accept");
    b.rule(Input,
           "ip6 saddr fe80::/10 icmpv6 type { mld-listener-query, mld-listener-report, mld-listener-done, "
           "mld2-listener-report } accept");

    b.rule(Forward, "ct state invalid drop");

    b.rule(Output, "oif \"lo\" accept");
    b.rule(Output, "ct state established,related accept");
    b.rule(Output, "icmp type { destination-unreachable, time-exceeded, parameter-problem } accept");
    b.rule(Output,
           "icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, "
           "nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, "
           "mld-listener-done, mld2-listener-report } accept");
}

}  // namespace medbox::firewall
