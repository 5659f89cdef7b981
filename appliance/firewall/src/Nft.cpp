#include "Nft.h"

#include <nftables/libnftables.h>

#include <stdexcept>

namespace medbox::firewall {

Nft::Nft() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
    if (!ctx_) throw std::runtime_error("libnftables: cannot create a context");
    // Capture libnftables' output instead of letting it write to our
    // stdout/stderr: the caller decides what to show (library code does not
    // print).
    nft_ctx_buffer_output(ctx_);
    nft_ctx_buffer_error(ctx_);
}

Nft::~Nft() { nft_ctx_free(ctx_); }

NftResult Nft::check(std::string_view commands) { return execute(commands, true, false); }
NftResult Nft::run(std::string_view commands) { return execute(commands, false, false); }
NftResult Nft::runJson(std::string_view commands) { return execute(commands, false, true); }

NftResult Nft::execute(std::string_view commands, bool dryRun, bool json) {
    nft_ctx_set_dry_run(ctx_, dryRun);
    nft_ctx_output_set_flags(ctx_, json ? static_cast<unsigned>(NFT_CTX_OUTPUT_JSON) : 0u);
    const std::string buffer(commands);  // libnftables wants NUL-terminated text
    NftResult result;
    result.ok = nft_run_cmd_from_buffer(ctx_, buffer.c_str()) == 0;
    // Reading a buffer also empties it, so the next call starts clean.
    if (const char* out = nft_ctx_get_output_buffer(ctx_)) result.output = out;
    if (const char* err = nft_ctx_get_error_buffer(ctx_)) result.error = err;
    return result;
}

}  // namespace medbox::firewall
