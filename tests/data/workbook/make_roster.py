"""Writes don-vi.xlsx, the messy unit roster of the tests (run: python make_roster.py): two merged title rows,
a blank row, Vietnamese headers with an STT and a Ghi chú column, a row numbering the columns, kinds as offices
write them (one left blank: told by the name) and the parent named by name, once without diacritics."""

import datetime as dt

import openpyxl

book = openpyxl.Workbook()
book.properties.created = book.properties.modified = dt.datetime(2000, 1, 1)
ws = book.active
ws.title = "Danh sách"
ws.append(["DANH SÁCH CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC ĐẢNG BỘ XÃ THƯỢNG SƠN"])
ws.append(["(kèm theo Công văn số 12-CV/ĐU)"])
ws.append([])
ws.append(
    ["STT", "Tên chi bộ", "Loại", "Cấp", "Trực thuộc", "Ngày sinh hoạt", "Xê dịch (ngày)", "Thứ được họp", "Ghi chú"]
)
ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"])
rows = [
    ("Đảng ủy xã Thượng Sơn", "Đảng ủy xã", "Xã", None, 28, 3, None, None),
    ("Chi bộ thôn Bản Khoét", "Thôn", None, "Đảng ủy xã Thượng Sơn", 2, 3, None, "vùng cao"),
    ("Chi bộ thôn Trung Sơn", None, None, "Đảng ủy xã Thượng Sơn", 4, 3, None, None),
    ("Chi bộ Trường Tiểu học", "trường", None, "Dang uy xa Thuong Son", 8, 3, "Thứ Hai - Thứ Sáu", None),
    ("Chi bộ Trạm Y tế", "TRẠM Y TẾ", None, "xa-thuong-son", 10, 3, None, None),
    ("Chi bộ Quân sự", "quân sự", None, "Đảng ủy xã Thượng Sơn", 12, 3, None, None),
    ("Chi bộ Công an xã", "Công an", None, "Đảng ủy xã Thượng Sơn", 14, 3, "T2; T4", None),
]
for n, row in enumerate(rows, 1):
    ws.append([n, *row])
ws.merge_cells("A1:I1")
ws.merge_cells("A2:I2")
book.save("don-vi.xlsx")
