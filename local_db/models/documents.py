"""Official documents (函告, 案件移送书, 督办单, notices...): document series per 代字 and year,
the documents with their life (draft → submitted → approved → numbered → printed →
archived), voided numbers, and the archived PDF bytes with their SHA-256.
"""

from __future__ import annotations
