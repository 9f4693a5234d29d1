import pickle

from dashboards.i18n.messages import render
from orchestration.readers import ExportError, FieldError, read_export

HEADER = "receipt_id,client_id,date,currency,amount\n"


def _rejected(file_name: str, data: bytes) -> ExportError:
    try:
        read_export("receipts", file_name, data)
    except ExportError as error:
        return error
    raise AssertionError("the file was accepted")


def test_report_names_file_line_column_value_and_reason():
    error = _rejected("receipts_2025.csv", (HEADER + "R1,C1,2025-05-20,EUR,12.345\n").encode())

    report = error.report()

    assert report.splitlines() == [
        "receipts_2025.csv was rejected whole; nothing of it was loaded.",
        "1 problem(s):",
        "  line 2, column amount, value '12.345': more than 2 decimals (money is never rounded)",
    ]
    assert "receipts_2025.csv" in str(error)
    assert "line 2, column amount" in str(error)


def test_the_report_is_worded_in_spanish_for_a_spanish_reader():
    """The same problems, worded from the catalogue's es messages: where, then why."""
    data = HEADER + "R1,C1,2025-05-20,EUR,12.345\nR2,C9,20/13/2025,EUR,10\n"
    error = _rejected("cobros.csv", data.encode())

    assert error.report("es").splitlines() == [
        "cobros.csv se ha rechazado entero; no se ha cargado nada de él.",
        "2 problema(s):",
        "  línea 2, columna amount, valor '12.345': más de 2 decimales (los importes nunca se redondean)",
        "  línea 3, columna date, valor '20/13/2025': no es una fecha (se espera AAAA-MM-DD o DD/MM/AAAA)",
    ]
    assert render(error.summary(), "es") == (
        "cobros.csv rechazado, 2 problema(s); el primero: línea 2, columna amount, valor '12.345': "
        "más de 2 decimales (los importes nunca se redondean)"
    )


def test_file_level_problems_read_as_file():
    error = _rejected("receipts.csv", b"")

    assert error.report().splitlines()[-1] == "  file: empty file (no header row)"


def test_error_survives_pickling():
    error = ExportError("receipts.csv", [FieldError(2, "amount", "x", "not a number")])

    copy = pickle.loads(pickle.dumps(error))

    assert copy.file_name == "receipts.csv"
    assert copy.errors == error.errors
    assert copy.report() == error.report()


def test_problems_are_capped_with_a_note():
    data = (HEADER + "".join(f"R{i},C1,2025-05-20,EUR,bad\n" for i in range(1500))).encode()

    error = _rejected("receipts.csv", data)

    assert len(error.errors) == 1001
    assert error.errors[0].describe() == "file: more than 1000 problems; the rest were not listed"
    assert (error.errors[1].line, error.errors[1].column, error.errors[1].value) == (2, "amount", "bad")
    assert error.errors[-1].line == 1001
