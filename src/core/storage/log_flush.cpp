#include "storage/log_flush.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sigcard::storage {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

LogFlush::LogFlush(soci::session& session) {
    if (session.get_backend_name() != "sqlite3") {
        return;
    }
    std::string file;
    session << "SELECT file FROM pragma_database_list WHERE name = 'main'", soci::into(file);
    if (!file.empty()) {  // empty: an in-memory database has no log on disk
        path_ = file + "-wal";
    }
}

LogFlush::~LogFlush() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void LogFlush::open_log() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) {
        fail("open " + path_);
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        fail("stat " + path_);
    }
    inode_ = st.st_ino;
}

void LogFlush::flush() {
    if (path_.empty()) {
        return;
    }
    // SQLite keeps the log while a connection is open (the writer's is), but it removes it and
    // creates it anew when the last one closes: the file flushed is the one at the path now.
    struct stat st {};
    if (fd_ < 0 || ::stat(path_.c_str(), &st) != 0 || st.st_ino != inode_) {
        open_log();
    }
    if (::fdatasync(fd_) != 0) {
        fail("fdatasync " + path_);
    }
}

}  // namespace sigcard::storage
