from tests.support import Actor, created

API = "/api/v1/departments"


def test_admin_creates_reads_and_renames_a_department(admin: Actor) -> None:
    department_id = created(admin.post(API, json={"name": "Department of Transportation", "code": "DOT"}))

    read = admin.get(f"{API}/{department_id}")
    assert read.json()["code"] == "DOT"
    assert read.headers["ETag"] == '"v1"'

    renamed = admin.update(f"{API}/{department_id}", {"name": "Department of Streets"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Department of Streets"
    assert renamed.headers["ETag"] == '"v2"'
