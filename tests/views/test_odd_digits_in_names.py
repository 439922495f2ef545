"""A tag written with "①" or "²" (digits to str.isdigit, no number to int) opens the library."""

from views.main_window import MainWindow


def test_a_circled_digit_tag_opens_the_library(services, qtbot):
    services.reviews.create(title="Tagged", template="standard", tags=["①"])
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.library_page
    assert page.filters is not None and page.model.rowCount() == 1
    assert "① (1)" in [page.filters.tag.itemText(i) for i in range(page.filters.tag.count())]
