#include "identification/postident_files.hpp"

#include <zip.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

namespace sigcard::identification {

namespace {

namespace fs = std::filesystem;
using Take = std::function<void(ResultDocument)>;

bool is_zip(std::string_view bytes) { return bytes.starts_with(std::string_view("PK\x03\x04", 4)); }

std::string read_file(const fs::path& path, std::size_t max_bytes) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) {
        throw Error(errors::unreadable_file, path.filename().string() + ": " + ec.message());
    }
    if (size > max_bytes) {
        throw Error(errors::archive_too_large, path.filename().string() + ": larger than allowed");
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    if (!in && !in.eof()) {
        throw Error(errors::unreadable_file, path.filename().string());
    }
    return out.str();
}

// A name a ZIP may carry: relative, no "..", no backslash or drive letter, no NUL.
bool safe_entry_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos ||
        (name.size() > 1 && name[1] == ':')) {
        return false;
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto end = std::min(name.find('/', start), name.size());
        if (name.substr(start, end - start) == "..") {
            return false;
        }
        start = end + 1;
    }
    return true;
}

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};

void take_zip(const std::string& archive, const std::string& name,
              const config::PostIdentSettings& limits, const Take& take) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(archive.data(), archive.size(), 0, &error);
    if (source == nullptr) {
        throw Error(errors::unreadable_file, name + ": " + zip_error_strerror(&error));
    }
    std::unique_ptr<zip_t, ZipCloser> zip(zip_open_from_source(source, ZIP_RDONLY, &error));
    if (!zip) {
        zip_source_free(source);
        const std::string why = zip_error_strerror(&error);
        zip_error_fini(&error);
        throw Error(errors::unreadable_file, name + ": " + why);
    }
    const zip_int64_t entries = zip_get_num_entries(zip.get(), 0);
    if (entries > limits.max_archive_entries) {
        throw Error(errors::archive_too_large, name + ": too many entries");
    }
    // Every name first: an archive with one unsafe name is refused before anything is read.
    for (zip_int64_t i = 0; i < entries; ++i) {
        const char* entry = zip_get_name(zip.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
        if (entry == nullptr || !safe_entry_name(entry)) {
            throw Error(errors::unsafe_archive,
                        name + ": entry " + std::to_string(i) + " has an unsafe name");
        }
    }
    const std::size_t max_total = static_cast<std::size_t>(limits.max_archive_megabytes) << 20;
    const auto max_document = static_cast<std::size_t>(limits.max_document_bytes);
    std::size_t total = 0;
    std::string buffer(64 * 1024, '\0');
    for (zip_int64_t i = 0; i < entries; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        const std::string entry = zip_get_name(zip.get(), index, ZIP_FL_ENC_RAW);
        if (entry.ends_with('/')) {
            continue;  // a folder
        }
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(zip.get(), index, 0, &stat) != 0) {
            throw Error(errors::unreadable_file, name + "/" + entry);
        }
        const std::size_t packed =
            (stat.valid & ZIP_STAT_COMP_SIZE) ? static_cast<std::size_t>(stat.comp_size) : 0;
        std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(zip.get(), index, 0));
        if (!file) {
            throw Error(errors::unreadable_file,
                        name + "/" + entry + ": " + zip_strerror(zip.get()));
        }
        // Counted while unpacking: the sizes in the header are the packer's word only.
        std::string content;
        for (;;) {
            const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
            if (n < 0) {
                throw Error(errors::unreadable_file, name + "/" + entry + ": damaged");
            }
            if (n == 0) {
                break;
            }
            content.append(buffer.data(), static_cast<std::size_t>(n));
            if (content.size() > max_document || total + content.size() > max_total ||
                content.size() > std::max<std::size_t>(packed, 1024) *
                                     static_cast<std::size_t>(limits.max_compression_ratio)) {
                throw Error(errors::archive_too_large, name + "/" + entry);
            }
        }
        total += content.size();
        take({name + "/" + entry, std::move(content)});
    }
}

void take_file(const fs::path& path, const std::string& name,
               const config::PostIdentSettings& limits, const Take& take) {
    const auto max_archive = static_cast<std::size_t>(limits.max_archive_megabytes) << 20;
    auto content = read_file(path, std::max(max_archive, std::size_t(limits.max_document_bytes)));
    if (is_zip(content)) {
        take_zip(content, name, limits, take);
        return;
    }
    if (content.size() > static_cast<std::size_t>(limits.max_document_bytes)) {
        throw Error(errors::archive_too_large, name + ": larger than allowed");
    }
    take({name, std::move(content)});
}

}  // namespace

ResultSource zip_documents(std::string archive, std::string name,
                           const config::PostIdentSettings& limits) {
    return [archive = std::move(archive), name = std::move(name), limits](const Take& take) {
        take_zip(archive, name, limits, take);
    };
}

ResultSource result_files(const fs::path& path, const config::PostIdentSettings& limits) {
    return [path, limits](const Take& take) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            // In name order, so an import is the same every time.
            std::vector<fs::path> files;
            for (const auto& entry : fs::directory_iterator(path, ec)) {
                const auto extension = entry.path().extension();
                if (entry.is_regular_file() && (extension == ".json" || extension == ".zip")) {
                    files.push_back(entry.path());
                }
            }
            if (ec) {
                throw Error(errors::unreadable_file, path.filename().string() + ": " + ec.message());
            }
            std::sort(files.begin(), files.end());
            for (const auto& file : files) {
                take_file(file, file.filename().string(), limits, take);
            }
            return;
        }
        if (!fs::is_regular_file(path, ec)) {
            throw Error(errors::unreadable_file, path.filename().string() + ": not a file");
        }
        take_file(path, path.filename().string(), limits, take);
    };
}

}  // namespace sigcard::identification
