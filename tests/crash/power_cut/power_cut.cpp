// FAULT INJECTION for the crash tests (LD_PRELOAD into sigcard-portal): a power cut, which
// `kill -9` does not show — after SIGKILL the kernel still writes what the process handed it,
// after a power cut only what was made durable survives.
//
// Every write to the database's files (their path starts with $SIGCARD_POWER_CUT_FILES; the
// shared-memory index "-shm" is not durable state and is left alone) is recorded with what it
// overwrote, until fsync/fdatasync of that file makes it durable. At the cut — the Nth write,
// sync or truncation of those files, N = $SIGCARD_POWER_CUT_AT — every write not yet made durable
// is undone in reverse order (the bytes it overwrote put back, the file's length restored), so
// the files are exactly as the disk held them after their last sync, and the process is killed
// with SIGKILL before anything else reaches them. The same N on the same sequence of writes cuts
// at the same place: a failure names its N to be replayed.
//
// All I/O on the recorded files is serialised by one lock (the cut happens under it, so no other
// thread writes in between); the portal is slower with it, which matters for nothing here.
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct Undo {
    off_t offset;
    std::string overwritten;  // the bytes that were there (up to the old end of the file)
    off_t old_size;
};

struct File {
    std::string path;
    std::vector<Undo> undo;  // writes since the last sync, oldest first
};

struct State {
    std::mutex mutex;
    std::string prefix;
    unsigned long cut_at = 0;  // 0: never
    unsigned long events = 0;
    std::map<ino_t, File> files;
    std::map<int, ino_t> fds;
};

State& state() {
    static State* s = [] {
        auto* st = new State();
        if (const char* prefix = std::getenv("SIGCARD_POWER_CUT_FILES")) {
            st->prefix = prefix;
        }
        if (const char* at = std::getenv("SIGCARD_POWER_CUT_AT")) {
            st->cut_at = std::strtoul(at, nullptr, 10);
        }
        return st;
    }();
    return *s;
}

template <typename F>
F real(const char* name) {
    return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

using OpenFn = int (*)(const char*, int, ...);
using OpenatFn = int (*)(int, const char*, int, ...);
using PwriteFn = ssize_t (*)(int, const void*, size_t, off_t);
using WriteFn = ssize_t (*)(int, const void*, size_t);
using SyncFn = int (*)(int);
using TruncateFn = int (*)(int, off_t);
using CloseFn = int (*)(int);

bool recorded_path(const char* path) {
    const auto& prefix = state().prefix;
    if (prefix.empty() || std::strncmp(path, prefix.c_str(), prefix.size()) != 0) {
        return false;
    }
    const std::size_t n = std::strlen(path);
    return !(n >= 4 && std::strcmp(path + n - 4, "-shm") == 0);
}

// Records a database file just opened; returns `fd`.
int opened(int fd, const char* path) {
    if (fd < 0 || !recorded_path(path)) {
        return fd;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return fd;
    }
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.fds[fd] = st.st_ino;
    s.files[st.st_ino].path = path;
    return fd;
}

// The mode argument of open(), present only when a file may be created.
mode_t mode_argument(int flags, va_list args) {
    return (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<mode_t>(va_arg(args, int)) : 0;
}

File* recorded(int fd) {
    auto& s = state();
    const auto found = s.fds.find(fd);
    return found == s.fds.end() ? nullptr : &s.files[found->second];
}

off_t size_of(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? st.st_size : 0;
}

// The power goes off: every write not made durable is undone, then the process ends.
[[noreturn]] void cut() {
    // Only the real calls here: the lock is held, and the wrappers below would take it again.
    auto& s = state();
    const auto pwrite_real = real<PwriteFn>("pwrite64");
    const auto open_real = real<OpenFn>("open64");
    const auto truncate_real = real<TruncateFn>("ftruncate");
    const auto sync_real = real<SyncFn>("fsync");
    const auto close_real = real<CloseFn>("close");
    const auto write_real = real<WriteFn>("write");
    for (auto& [inode, file] : s.files) {
        if (file.undo.empty()) {
            continue;
        }
        const int fd = open_real(file.path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        for (auto u = file.undo.rbegin(); u != file.undo.rend(); ++u) {
            if (!u->overwritten.empty()) {
                pwrite_real(fd, u->overwritten.data(), u->overwritten.size(), u->offset);
            }
            truncate_real(fd, u->old_size);
        }
        sync_real(fd);
        close_real(fd);
    }
    char line[160];
    const int n = std::snprintf(line, sizeof line, "power cut: at event %lu of the database files\n",
                                s.events);
    write_real(STDERR_FILENO, line, static_cast<std::size_t>(n));
    ::kill(::getpid(), SIGKILL);
    ::_exit(137);
}

// Counts an event on a recorded file; at the chosen one the power goes off (the lock is held).
void event() {
    auto& s = state();
    if (s.cut_at != 0 && ++s.events == s.cut_at) {
        cut();
    }
}

void before_write(int fd, File& file, size_t count, off_t offset) {
    event();
    Undo u{offset, {}, size_of(fd)};
    if (offset < u.old_size) {
        const auto n = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(count), u.old_size - offset));
        u.overwritten.resize(n);
        const auto got = ::pread(fd, u.overwritten.data(), n, offset);
        u.overwritten.resize(got > 0 ? static_cast<size_t>(got) : 0);
    }
    file.undo.push_back(std::move(u));
}

ssize_t recorded_pwrite(const char* name, int fd, const void* data, size_t count, off_t offset) {
    static const auto pwrite_real = real<PwriteFn>(name);
    auto& s = state();
    std::unique_lock lock(s.mutex, std::defer_lock);
    if (!s.prefix.empty()) {
        lock.lock();
        if (File* file = recorded(fd)) {
            before_write(fd, *file, count, offset);
        }
    }
    return pwrite_real(fd, data, count, offset);
}

int recorded_sync(const char* name, int fd) {
    static const auto sync_real = real<SyncFn>(name);
    auto& s = state();
    if (s.prefix.empty()) {
        return sync_real(fd);
    }
    std::lock_guard lock(s.mutex);
    File* file = recorded(fd);
    if (file != nullptr) {
        event();
    }
    const int rc = sync_real(fd);
    if (rc == 0 && file != nullptr) {
        file->undo.clear();  // durable now
    }
    return rc;
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
    static const auto open_real = real<OpenFn>("open");
    va_list args;
    va_start(args, flags);
    const mode_t mode = mode_argument(flags, args);
    va_end(args);
    return opened(open_real(path, flags, mode), path);
}

int open64(const char* path, int flags, ...) {
    static const auto open_real = real<OpenFn>("open64");
    va_list args;
    va_start(args, flags);
    const mode_t mode = mode_argument(flags, args);
    va_end(args);
    return opened(open_real(path, flags, mode), path);
}

int openat(int dir, const char* path, int flags, ...) {
    static const auto openat_real = real<OpenatFn>("openat");
    va_list args;
    va_start(args, flags);
    const mode_t mode = mode_argument(flags, args);
    va_end(args);
    const int fd = openat_real(dir, path, flags, mode);
    return path[0] == '/' ? opened(fd, path) : fd;
}

ssize_t pwrite(int fd, const void* data, size_t count, off_t offset) {
    return recorded_pwrite("pwrite", fd, data, count, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t count, off_t offset) {
    return recorded_pwrite("pwrite64", fd, data, count, offset);
}

ssize_t write(int fd, const void* data, size_t count) {
    static const auto write_real = real<WriteFn>("write");
    auto& s = state();
    if (s.prefix.empty()) {
        return write_real(fd, data, count);
    }
    std::lock_guard lock(s.mutex);
    if (File* file = recorded(fd)) {
        before_write(fd, *file, count, ::lseek(fd, 0, SEEK_CUR));
    }
    return write_real(fd, data, count);
}

int fsync(int fd) {
    return recorded_sync("fsync", fd);
}

int fdatasync(int fd) {
    return recorded_sync("fdatasync", fd);
}

int ftruncate(int fd, off_t length) {
    static const auto truncate_real = real<TruncateFn>("ftruncate");
    auto& s = state();
    if (s.prefix.empty()) {
        return truncate_real(fd, length);
    }
    std::lock_guard lock(s.mutex);
    if (File* file = recorded(fd)) {
        event();
        Undo u{length, {}, size_of(fd)};
        if (length < u.old_size) {
            u.overwritten.resize(static_cast<size_t>(u.old_size - length));
            const auto got = ::pread(fd, u.overwritten.data(), u.overwritten.size(), length);
            u.overwritten.resize(got > 0 ? static_cast<size_t>(got) : 0);
        }
        file->undo.push_back(std::move(u));
    }
    return truncate_real(fd, length);
}

int ftruncate64(int fd, off_t length) {
    return ftruncate(fd, length);
}

int close(int fd) {
    static const auto close_real = real<CloseFn>("close");
    auto& s = state();
    if (!s.prefix.empty()) {
        std::lock_guard lock(s.mutex);
        s.fds.erase(fd);
    }
    return close_real(fd);
}

}  // extern "C"
