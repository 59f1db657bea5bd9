import distkit_fixture


def test_name():
    assert distkit_fixture.NAME == "fixture"
