from deskpemilu.incidents.similarity import distance_km, text_similarity


def test_two_reports_of_the_same_event_are_similar():
    a = "Ada pembagian amplop berisi uang dekat TPS 03 oleh tim sukses"
    b = "pembagian amplop uang oleh tim sukses di dekat TPS 3"
    assert text_similarity(a, b) >= 0.5


def test_different_events_are_not_similar():
    a = "Ada pembagian amplop berisi uang dekat TPS 03"
    b = "Kotak suara terendam banjir, surat suara basah"
    assert text_similarity(a, b) < 0.2


def test_empty_text_is_not_similar_to_anything():
    assert text_similarity("", "apa saja") == 0.0


def test_distance_between_serang_and_cilegon_is_about_fifteen_km():
    assert 12 < distance_km(-6.12, 106.15, -6.02, 106.05) < 17
