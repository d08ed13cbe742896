// A server program started for a test (sigcard-portal, sigcard-agent): runs in the background
// with its output in a file, is waited for until it prints a line that matches, and is stopped
// (SIGTERM, then SIGKILL) when the test ends.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sigcard::testing {

class RunningProcess {
public:
    // `environment`: extra NAME=VALUE pairs on top of this process's environment.
    // `in_child`: run in the child before the program starts (e.g. to set a resource limit).
    RunningProcess(const std::vector<std::string>& arguments, const std::filesystem::path& log,
                   const std::vector<std::string>& environment = {},
                   const std::function<void()>& in_child = {})
        : log_(log) {
        pid_ = ::fork();
        if (pid_ < 0) {
            throw std::runtime_error("fork failed");
        }
        if (pid_ == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            for (const auto& variable : environment) {
                ::putenv(const_cast<char*>(variable.c_str()));
            }
            if (in_child) {
                in_child();
            }
            std::vector<char*> argv;
            for (const auto& a : arguments) {
                argv.push_back(const_cast<char*>(a.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~RunningProcess() { stop(); }
    RunningProcess(const RunningProcess&) = delete;
    RunningProcess& operator=(const RunningProcess&) = delete;

    // Waits until the output matches `pattern` and returns the first capture group (or the
    // whole match). Throws when the program exits or the time runs out.
    std::string wait_for(const std::string& pattern,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        const std::regex re(pattern);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto text = output();
            std::smatch m;
            if (std::regex_search(text, m, re)) {
                return m.size() > 1 ? m[1].str() : m[0].str();
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("program exited before it was ready:\n" + text);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        throw std::runtime_error("program not ready in time:\n" + output());
    }

    std::string output() const {
        std::ifstream in(log_);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }

    pid_t pid() const { return pid_; }

    // Whether the program has ended on its own (then it is reaped).
    bool ended() {
        if (pid_ <= 0) {
            return true;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return true;
        }
        return false;
    }

    // SIGKILL, as a crash or `kill -9` ends it: no handler, no clean-up.
    void kill_now() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

    void stop() {
        if (pid_ <= 0) {
            return;
        }
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    std::filesystem::path log_;
    pid_t pid_ = -1;
};

}  // namespace sigcard::testing
