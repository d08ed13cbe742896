// Where PostIdent result documents come from: one JSON file, a folder of them, or a ZIP as the
// post office's result portal and SFTP deliver them. Read entry by entry inside the import's
// transaction; nothing is unpacked to disk. A ZIP whose entry names try to leave the folder
// (`../`, absolute, drive letters), that holds more entries or bytes than allowed, or whose
// entries unpack far beyond their packed size (a ZIP bomb, measured while reading, never taken
// from the header) is refused whole.
#pragma once

#include "config/trust_center_config.hpp"
#include "identification/postident_results.hpp"

#include <filesystem>

namespace sigcard::identification {

namespace errors {
inline constexpr ErrorCode unsafe_archive{
    "postident.unsafe_archive",
    "Das ZIP-Archiv enthält einen unzulässigen Dateinamen (absolut oder mit „..“); es wurde "
    "nichts daraus übernommen.",
    "The ZIP archive holds a name that is not allowed (absolute or with \"..\"); nothing of it "
    "was taken over."};
inline constexpr ErrorCode archive_too_large{
    "postident.archive_too_large",
    "Das ZIP-Archiv oder ein Dokument darin ist größer als erlaubt oder entpackt sich auf ein "
    "Vielfaches seiner Größe; es wurde nichts daraus übernommen.",
    "The ZIP archive or a document in it is larger than allowed or unpacks to many times its "
    "size; nothing of it was taken over."};
inline constexpr ErrorCode unreadable_file{
    "postident.unreadable_file",
    "Die Datei oder der Ordner kann nicht gelesen werden; es wurde nichts übernommen.",
    "The file or folder cannot be read; nothing was taken over."};
}  // namespace errors

// The documents at `path` (a .json file, a folder of .json and .zip files, or a ZIP), each named
// by its path relative to `path` (a ZIP's entries as "archive.zip/entry.json").
ResultSource result_files(const std::filesystem::path& path,
                          const config::PostIdentSettings& limits);

// The documents of a ZIP held in memory.
ResultSource zip_documents(std::string archive, std::string name,
                           const config::PostIdentSettings& limits);

}  // namespace sigcard::identification
