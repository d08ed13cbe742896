#include "storage/wal_gathering.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace sigcard::storage::wal_gathering {

namespace {

// The layout of SQLite's write-ahead log (https://www.sqlite.org/fileformat2.html#walformat).
constexpr int kLogHeaderSize = 32;
constexpr int kFrameHeaderSize = 24;
// A frame header's bytes 4–7: the database size after a commit frame, zero in any other frame.
bool is_commit_frame(const void* header) {
    const auto* bytes = static_cast<const unsigned char*>(header);
    return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}
// A transaction larger than this is written in pieces (it is never read before it is written).
constexpr std::size_t kMaxGathered = std::size_t{1} << 20;
// The default VFS writes less than 128 KiB per call (it masks larger sizes), so longer runs of
// frames go in pieces of this size.
constexpr std::size_t kMaxWrite = 124 * 1024;

std::atomic<std::uint64_t> gathered_frames{0};
std::atomic<std::uint64_t> gathered_writes{0};

sqlite3_vfs* base_vfs = nullptr;  // the default VFS before install()

// An open log file: SQLite's handle of it (first member, as SQLite expects), the default VFS's
// handle behind it, and what is gathered but not yet written.
struct LogFile {
    sqlite3_file handle;
    sqlite3_file* file;
    std::vector<unsigned char> gathered;
    sqlite3_int64 gathered_at = 0;  // the file offset of gathered[0]
    bool frame_open = false;        // a frame header was gathered, its page comes next
    bool commit_frame = false;      // that frame ends a transaction

    sqlite3_int64 gathered_end() const {
        return gathered_at + static_cast<sqlite3_int64>(gathered.size());
    }
};

LogFile& log_of(sqlite3_file* handle) {
    return *reinterpret_cast<LogFile*>(handle);
}

// The default VFS's file handle sits after the LogFile in the memory SQLite allocates.
constexpr std::size_t kFileOffset = (sizeof(LogFile) + 15) / 16 * 16;

int write_gathered(LogFile& log) {
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < log.gathered.size() && rc == SQLITE_OK;) {
        const auto piece = std::min(log.gathered.size() - done, kMaxWrite);
        rc = log.file->pMethods->xWrite(log.file, log.gathered.data() + done,
                                        static_cast<int>(piece),
                                        log.gathered_at + static_cast<sqlite3_int64>(done));
        done += piece;
        gathered_writes.fetch_add(1, std::memory_order_relaxed);
    }
    // Written or failed, it is no longer gathered: a failed write fails the transaction, whose
    // frames SQLite then never counts as part of the log.
    log.gathered_at = log.gathered_end();
    log.gathered.clear();
    return rc;
}

bool gather(LogFile& log, const void* data, int amount) noexcept {
    const auto* bytes = static_cast<const unsigned char*>(data);
    try {
        log.gathered.insert(log.gathered.end(), bytes, bytes + amount);
        return true;
    } catch (const std::bad_alloc&) {
        log.gathered.clear();  // the transaction fails; none of its frames will count
        return false;
    }
}

int log_write(sqlite3_file* handle, const void* data, int amount, sqlite3_int64 offset) {
    auto& log = log_of(handle);
    if (log.frame_open && offset == log.gathered_end()) {
        // The page of the frame whose header came last.
        log.frame_open = false;
        if (!gather(log, data, amount)) {
            return SQLITE_IOERR_NOMEM;
        }
        gathered_frames.fetch_add(1, std::memory_order_relaxed);
        if (log.commit_frame || log.gathered.size() >= kMaxGathered) {
            return write_gathered(log);  // a commit is in the file before SQLite publishes it
        }
        return SQLITE_OK;
    }
    if (!log.frame_open && amount == kFrameHeaderSize && offset >= kLogHeaderSize &&
        (log.gathered.empty() || offset == log.gathered_end())) {
        // The header of the next frame.
        if (log.gathered.empty()) {
            log.gathered_at = offset;
        }
        if (!gather(log, data, amount)) {
            return SQLITE_IOERR_NOMEM;
        }
        log.frame_open = true;
        log.commit_frame = is_commit_frame(data);
        return SQLITE_OK;
    }
    // Anything else (the log's header, a frame written again in place): in order, at once.
    log.frame_open = false;
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    return log.file->pMethods->xWrite(log.file, data, amount, offset);
}

int log_close(sqlite3_file* handle) {
    auto& log = log_of(handle);
    const int written = write_gathered(log);
    const int closed = log.file->pMethods->xClose(log.file);
    log.~LogFile();
    return written != SQLITE_OK ? written : closed;
}

int log_read(sqlite3_file* handle, void* data, int amount, sqlite3_int64 offset) {
    auto& log = log_of(handle);
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    return log.file->pMethods->xRead(log.file, data, amount, offset);
}

int log_truncate(sqlite3_file* handle, sqlite3_int64 size) {
    auto& log = log_of(handle);
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    return log.file->pMethods->xTruncate(log.file, size);
}

int log_sync(sqlite3_file* handle, int flags) {
    auto& log = log_of(handle);
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    return log.file->pMethods->xSync(log.file, flags);
}

int log_file_size(sqlite3_file* handle, sqlite3_int64* size) {
    auto& log = log_of(handle);
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    return log.file->pMethods->xFileSize(log.file, size);
}

int log_lock(sqlite3_file* handle, int level) {
    auto& log = log_of(handle);
    return log.file->pMethods->xLock(log.file, level);
}

int log_unlock(sqlite3_file* handle, int level) {
    auto& log = log_of(handle);
    return log.file->pMethods->xUnlock(log.file, level);
}

int log_check_reserved_lock(sqlite3_file* handle, int* reserved) {
    auto& log = log_of(handle);
    return log.file->pMethods->xCheckReservedLock(log.file, reserved);
}

int log_file_control(sqlite3_file* handle, int op, void* arg) {
    auto& log = log_of(handle);
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    return log.file->pMethods->xFileControl(log.file, op, arg);
}

int log_sector_size(sqlite3_file* handle) {
    auto& log = log_of(handle);
    return log.file->pMethods->xSectorSize(log.file);
}

int log_device_characteristics(sqlite3_file* handle) {
    auto& log = log_of(handle);
    return log.file->pMethods->xDeviceCharacteristics(log.file);
}

// Shared memory and memory mapping belong to the database file, not the log; passed on all the
// same in case SQLite ever asks.
int log_shm_map(sqlite3_file* handle, int region, int size, int extend, void volatile** out) {
    auto& log = log_of(handle);
    if (log.file->pMethods->iVersion < 2 || log.file->pMethods->xShmMap == nullptr) {
        return SQLITE_IOERR_SHMMAP;
    }
    return log.file->pMethods->xShmMap(log.file, region, size, extend, out);
}

int log_shm_lock(sqlite3_file* handle, int offset, int n, int flags) {
    auto& log = log_of(handle);
    if (log.file->pMethods->iVersion < 2 || log.file->pMethods->xShmLock == nullptr) {
        return SQLITE_IOERR_SHMLOCK;
    }
    return log.file->pMethods->xShmLock(log.file, offset, n, flags);
}

void log_shm_barrier(sqlite3_file* handle) {
    auto& log = log_of(handle);
    if (log.file->pMethods->iVersion >= 2 && log.file->pMethods->xShmBarrier != nullptr) {
        log.file->pMethods->xShmBarrier(log.file);
    }
}

int log_shm_unmap(sqlite3_file* handle, int delete_flag) {
    auto& log = log_of(handle);
    if (log.file->pMethods->iVersion < 2 || log.file->pMethods->xShmUnmap == nullptr) {
        return SQLITE_OK;
    }
    return log.file->pMethods->xShmUnmap(log.file, delete_flag);
}

int log_fetch(sqlite3_file* handle, sqlite3_int64 offset, int amount, void** out) {
    auto& log = log_of(handle);
    *out = nullptr;
    if (const int rc = write_gathered(log); rc != SQLITE_OK) {
        return rc;
    }
    if (log.file->pMethods->iVersion < 3 || log.file->pMethods->xFetch == nullptr) {
        return SQLITE_OK;  // no mapping: SQLite reads instead
    }
    return log.file->pMethods->xFetch(log.file, offset, amount, out);
}

int log_unfetch(sqlite3_file* handle, sqlite3_int64 offset, void* mapped) {
    auto& log = log_of(handle);
    if (log.file->pMethods->iVersion < 3 || log.file->pMethods->xUnfetch == nullptr) {
        return SQLITE_OK;
    }
    return log.file->pMethods->xUnfetch(log.file, offset, mapped);
}

const sqlite3_io_methods log_methods = {
    3,
    log_close,
    log_read,
    log_write,
    log_truncate,
    log_sync,
    log_file_size,
    log_lock,
    log_unlock,
    log_check_reserved_lock,
    log_file_control,
    log_sector_size,
    log_device_characteristics,
    log_shm_map,
    log_shm_lock,
    log_shm_barrier,
    log_shm_unmap,
    log_fetch,
    log_unfetch,
};

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* handle, int flags,
              int* out_flags) {
    if ((flags & SQLITE_OPEN_WAL) == 0) {
        // Not a log: the default VFS's own file, in the same memory (it needs less).
        return base_vfs->xOpen(base_vfs, name, handle, flags, out_flags);
    }
    handle->pMethods = nullptr;  // SQLite does not close a file whose open failed
    auto* file =
        reinterpret_cast<sqlite3_file*>(reinterpret_cast<unsigned char*>(handle) + kFileOffset);
    const int rc = base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (file->pMethods != nullptr) {
            file->pMethods->xClose(file);
        }
        return rc;
    }
    auto* log = new (handle) LogFile{};
    log->handle.pMethods = &log_methods;
    log->file = file;
    return SQLITE_OK;
}

// Everything but opening is the default VFS's.
int delete_file(sqlite3_vfs*, const char* name, int sync_dir) {
    return base_vfs->xDelete(base_vfs, name, sync_dir);
}
int access(sqlite3_vfs*, const char* name, int flags, int* result) {
    return base_vfs->xAccess(base_vfs, name, flags, result);
}
int full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return base_vfs->xFullPathname(base_vfs, name, size, out);
}
void* dl_open(sqlite3_vfs*, const char* name) {
    return base_vfs->xDlOpen(base_vfs, name);
}
void dl_error(sqlite3_vfs*, int size, char* out) {
    base_vfs->xDlError(base_vfs, size, out);
}
void (*dl_sym(sqlite3_vfs*, void* library, const char* symbol))(void) {
    return base_vfs->xDlSym(base_vfs, library, symbol);
}
void dl_close(sqlite3_vfs*, void* library) {
    base_vfs->xDlClose(base_vfs, library);
}
int randomness(sqlite3_vfs*, int size, char* out) {
    return base_vfs->xRandomness(base_vfs, size, out);
}
int sleep_for(sqlite3_vfs*, int microseconds) {
    return base_vfs->xSleep(base_vfs, microseconds);
}
int current_time(sqlite3_vfs*, double* now) {
    return base_vfs->xCurrentTime(base_vfs, now);
}
int last_error(sqlite3_vfs*, int size, char* out) {
    return base_vfs->xGetLastError(base_vfs, size, out);
}
int current_time_int64(sqlite3_vfs*, sqlite3_int64* now) {
    return base_vfs->xCurrentTimeInt64(base_vfs, now);
}
int set_system_call(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr call) {
    return base_vfs->xSetSystemCall(base_vfs, name, call);
}
sqlite3_syscall_ptr get_system_call(sqlite3_vfs*, const char* name) {
    return base_vfs->xGetSystemCall(base_vfs, name);
}
const char* next_system_call(sqlite3_vfs*, const char* name) {
    return base_vfs->xNextSystemCall(base_vfs, name);
}

sqlite3_vfs gathering_vfs{};

}  // namespace

void install() {
    static std::once_flag once;
    std::call_once(once, [] {
        base_vfs = sqlite3_vfs_find(nullptr);
        if (base_vfs == nullptr || base_vfs->iVersion < 3) {
            throw std::runtime_error("SQLite has no default VFS of version 3");
        }
        gathering_vfs.iVersion = 3;
        gathering_vfs.szOsFile = static_cast<int>(kFileOffset) + base_vfs->szOsFile;
        gathering_vfs.mxPathname = base_vfs->mxPathname;
        gathering_vfs.zName = "sigcard-wal-gathering";
        gathering_vfs.xOpen = open_file;
        gathering_vfs.xDelete = delete_file;
        gathering_vfs.xAccess = access;
        gathering_vfs.xFullPathname = full_pathname;
        gathering_vfs.xDlOpen = dl_open;
        gathering_vfs.xDlError = dl_error;
        gathering_vfs.xDlSym = dl_sym;
        gathering_vfs.xDlClose = dl_close;
        gathering_vfs.xRandomness = randomness;
        gathering_vfs.xSleep = sleep_for;
        gathering_vfs.xCurrentTime = current_time;
        gathering_vfs.xGetLastError = last_error;
        gathering_vfs.xCurrentTimeInt64 = current_time_int64;
        gathering_vfs.xSetSystemCall = set_system_call;
        gathering_vfs.xGetSystemCall = get_system_call;
        gathering_vfs.xNextSystemCall = next_system_call;
        if (sqlite3_vfs_register(&gathering_vfs, 1) != SQLITE_OK) {
            throw std::runtime_error("SQLite refused the log-gathering VFS");
        }
    });
}

Counts counts() {
    return {gathered_frames.load(std::memory_order_relaxed),
            gathered_writes.load(std::memory_order_relaxed)};
}

}  // namespace sigcard::storage::wal_gathering
