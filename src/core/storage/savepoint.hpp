// A savepoint prepared once on a session that a writer keeps: each work of a batch in its own,
// so one that must not be stored is undone without the others.
#pragma once

#include <soci/soci.h>

#include <string>

namespace sigcard::storage {

class Savepoint {
public:
    Savepoint(soci::session& s, const std::string& name)
        : begin_(s.prepare << "SAVEPOINT " + name),
          release_(s.prepare << "RELEASE SAVEPOINT " + name),
          rollback_(s.prepare << "ROLLBACK TO SAVEPOINT " + name) {}

    void begin() { begin_.execute(true); }
    void release() { release_.execute(true); }
    // Undoes what was done since begin() and ends the savepoint.
    void undo() {
        rollback_.execute(true);
        release_.execute(true);
    }

private:
    soci::statement begin_, release_, rollback_;
};

}  // namespace sigcard::storage
