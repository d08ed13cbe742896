// FAKE: the post office. Deutsche Post's PostIdent cannot run here, so the tests write the result
// documents its result API returns for a case (the shape core/identification/postident_case.hpp
// reads), from what the applicant entered: every value `match` unless the test changes it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const match = (value) => ({ status: 'match', value });

export function postIdentSuccess(reference, applicant, { billingNumber = '99800000000101', change = {} } = {}) {
  const document = {
    type: match('IDCARD'),
    number: match(applicant['id_document-number']),
    firstName: match(applicant['person-given_names']),
    lastName: match(applicant['person-surname']),
    birthName: match(applicant['person-birth_name']),
    birthDate: match(applicant['person-birth_date']),
    birthPlace: match(applicant['person-birth_place']),
    nationality: match('DEU'),
    address: {
      streetAddress: match(applicant['person-address-street']),
      postalCode: match(applicant['person-address-postal_code']),
      city: match(applicant['person-address-city']),
      country: match('DEU'),
    },
    dateIssued: match(applicant['id_document-issued_on']),
    dateOfExpiry: match(applicant['id_document-expires_on']),
    authority: match(applicant['id_document-authority']),
    countryOfDocument: match('DEU'),
  };
  for (const [field, value] of Object.entries(change)) document[field] = { status: 'change', value };
  return {
    caseId: `CASE-${reference}`,
    caseStatus: { status: 'closed', archived: false, created: '2026-12-01T09:00:00Z', modified: '2026-12-02T10:15:00Z' },
    orderData: { processData: { referenceId: reference } },
    identifications: [{
      identificationMethod: 'basic',
      identificationStatus: { status: 'success', subStatus: 'completed', identificationTime: '2026-12-02T10:14:00Z' },
      identificationDocument: document,
    }],
    accountingData: { accountingNumber: billingNumber, accountingProduct: 'POSTIDENT' },
  };
}

// Writes the results into a folder as the result portal's download would hold them.
export async function writeResults(folder, results) {
  await mkdir(folder, { recursive: true });
  for (const result of results) {
    await writeFile(path.join(folder, `${result.caseId}.json`), JSON.stringify(result, null, 2));
  }
  return folder;
}
