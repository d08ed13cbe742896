// Why an order signature (CAdES) was refused: stable codes with German and English texts.
#pragma once

#include "common/error.hpp"

namespace sigcard::signature::errors {

inline constexpr ErrorCode malformed{
    "signature.malformed",
    "Die Signatur ist beschädigt oder hat kein gültiges Format. Bitte signieren Sie den Auftrag "
    "erneut.",
    "The signature is damaged or not in a valid format. Please sign the order again."};

inline constexpr ErrorCode content_mismatch{
    "signature.content_mismatch",
    "Die Signatur passt nicht zum Auftragsdokument: Das Dokument wurde nach der Signatur "
    "verändert. Bitte signieren Sie den Auftrag erneut.",
    "The signature does not match the order document: the document was changed after signing. "
    "Please sign the order again."};

inline constexpr ErrorCode invalid{
    "signature.invalid",
    "Die Signatur ist ungültig. Bitte signieren Sie den Auftrag erneut mit Ihrer "
    "Signaturkarte.",
    "The signature is invalid. Please sign the order again with your signature card."};

inline constexpr ErrorCode missing_signed_attributes{
    "signature.missing_signed_attributes",
    "Der Signatur fehlen vorgeschriebene Angaben (signierte Attribute). Bitte signieren Sie mit "
    "der SigCard-Anwendung.",
    "The signature lacks required information (signed attributes). Please sign with the SigCard "
    "application."};

inline constexpr ErrorCode signer_certificate_missing{
    "signature.signer_certificate_missing",
    "Die Signatur enthält das Zertifikat des Unterzeichners nicht. Bitte signieren Sie mit der "
    "SigCard-Anwendung.",
    "The signature does not contain the signer's certificate. Please sign with the SigCard "
    "application."};

inline constexpr ErrorCode signing_certificate_sha1{
    "signature.signing_certificate_sha1",
    "Die Signatur nennt ihr Zertifikat nur über SHA-1 (signing-certificate); verlangt ist "
    "signing-certificate-v2 mit SHA-256 oder stärker.",
    "The signature names its certificate by SHA-1 only (signing-certificate); "
    "signing-certificate-v2 with SHA-256 or stronger is required."};
inline constexpr ErrorCode signing_certificate_mismatch{
    "signature.signing_certificate_mismatch",
    "Das in der Signatur genannte Zertifikat ist nicht das Zertifikat, mit dem signiert wurde. "
    "Die Signatur wird nicht angenommen.",
    "The certificate named in the signature is not the one it was made with. The signature is "
    "not accepted."};

}  // namespace sigcard::signature::errors
