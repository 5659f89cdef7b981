#pragma once

#include <string>
#include <string_view>

struct nft_ctx;

namespace medbox::firewall {

struct NftResult {
    bool ok = false;
    std::string output;  // what `nft` would print on stdout
    std::string error;   // libnftables' messages, with the offending text marked
};

// A thin owner of one libnftables context, for one thread. It acts on the
// network namespace of the calling process (so `ip netns exec` confines it).
// Each call sends its whole buffer as one transaction: it applies entirely
// or not at all.
class Nft {
public:
    Nft();  // throws std::runtime_error if libnftables cannot allocate
    ~Nft();
    Nft(const Nft&) = delete;
    Nft& operator=(const Nft&) = delete;

    // Dry run (`nft -c`): the kernel checks the buffer, nothing is committed.
    NftResult check(std::string_view commands);
    NftResult run(std::string_view commands);
    // Like run, with JSON output (for list commands).
    NftResult runJson(std::string_view commands);

private:
    NftResult execute(std::string_view commands, bool dryRun, bool json);

    nft_ctx* ctx_;
};

}  // namespace medbox::firewall
