#pragma once
// Small file helpers shared by the core (keys, certificates, anchors, port files).
#include <string>
#include <sys/types.h>

namespace medbox::files {

// Writes bytes to path through a temporary file and rename(), so readers see
// the old or the new content, never a partial file. The file is created with
// `mode` from the start (a private key is never readable by others, not even
// briefly). With `durable`, the data is fsync'ed before the rename, so after
// a power loss the file is the old or the new one, never empty. Creates
// missing parent folders. Throws std::runtime_error naming the path.
void writeAtomically(const std::string& path, const std::string& bytes, mode_t mode, bool durable = true);

}  // namespace medbox::files
