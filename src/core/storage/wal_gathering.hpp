// Fewer writes into SQLite's write-ahead log. SQLite writes each log frame with two calls (its
// 24-byte header, then the page), so a commit of n pages costs 2n system calls on the
// group-commit writer's thread (measured in docs/performance.md). WalGathering is a SQLite VFS over the default
// one that keeps the frames of a transaction in memory and writes them with one call when the
// transaction's commit frame is written — before SQLite publishes the commit to other
// connections, so a reader never looks for a frame that is not in the file. Anything else done
// with the log (a read, a sync, a truncation, its size, a write that is not the next frame)
// first writes what is gathered, so the file is exactly as it would be without gathering
// whenever anybody looks. Other files go straight to the default VFS.
#pragma once

#include <cstdint>

namespace sigcard::storage::wal_gathering {

// Makes the gathering VFS SQLite's default for this process (once; later calls do nothing).
// Connections opened before keep the VFS they have.
void install();

// What the gathering did so far in this process (for tests and the load driver).
struct Counts {
    std::uint64_t frames = 0;  // log frames gathered
    std::uint64_t writes = 0;  // writes of gathered frames into the log
};
Counts counts();

}  // namespace sigcard::storage::wal_gathering
