"""The knowledge base API: lists, search, one article, suggestions, deflections."""

import pytest
import yaml
from django.core.management import call_command

from knowledge.models import Deflection

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_401(api_client, articles):
    for path in (
        "/api/kb/articles",
        f"/api/kb/articles/{articles['published'].pk}",
        "/api/kb/articles/suggest?q=메일",
    ):
        assert api_client.get(path).status_code == 401
    assert api_client.post("/api/kb/articles/1/deflect").status_code == 401


@pytest.mark.parametrize("slash", ["", "/"])
def test_list_and_detail_answer_with_and_without_the_slash(
    articles, requester, as_user, slash
):
    client = as_user(requester)
    article = articles["published"]
    listed = client.get(f"/api/kb/articles{slash}", {"q": "메일"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert row["id"] == article.pk and row["title"] == "메일 비밀번호 변경"
    assert row["url"].endswith(f"/kb/{article.pk}/")
    assert row["category"] == {"slug": "network", "name": "네트워크"}
    assert "body" not in row

    detail = client.get(f"/api/kb/articles/{article.pk}{slash}").json()
    assert detail["body"] == "포털에서 바꿉니다."
    assert detail["body_html"] == "<p>포털에서 바꿉니다.</p>\n"


def test_article_url_is_absolute_on_the_sites_address(
    articles, requester, as_user, settings
):
    settings.APP_BASE_URL = "https://help.example.ac.kr"
    article = articles["published"]
    row = as_user(requester).get(f"/api/kb/articles/{article.pk}").json()
    assert row["url"] == f"https://help.example.ac.kr/kb/{article.pk}/"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"category": "no-such-category"}, "category"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(
    articles, requester, as_user, params, field
):
    response = as_user(requester).get("/api/kb/articles", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("pk", ["999999", "abc", "1" * 30])
def test_an_unknown_article_is_a_404(requester, as_user, pk):
    assert as_user(requester).get(f"/api/kb/articles/{pk}").status_code == 404


def test_suggestions_for_a_title(make_article, requester, as_user):
    wifi = make_article(title="기숙사 와이파이가 끊길 때", body="재연결")
    make_article(title="프린터 용지", body="걸림")
    response = as_user(requester).get(
        "/api/kb/articles/suggest", {"q": "와이파이가 자꾸 끊겨요"}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [wifi.pk]
    assert results[0]["url"].endswith(f"/kb/{wifi.pk}/")
    assert as_user(requester).get("/api/kb/articles/suggest").json() == {"results": []}


@pytest.mark.parametrize("q", ["와이\x00파이", "\x00"])
def test_a_suggestion_query_with_a_nul_character_is_a_400(
    articles, requester, as_user, q
):
    # Found by the API fuzzing: PostgreSQL cannot compare text holding NUL (a 500).
    response = as_user(requester).get("/api/kb/articles/suggest", {"q": q})
    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_a_deflection_is_counted_once_per_day(articles, requester, as_user):
    client = as_user(requester)
    article = articles["published"]
    first = client.post(f"/api/kb/articles/{article.pk}/deflect")
    again = client.post(f"/api/kb/articles/{article.pk}/deflect/")
    assert (first.status_code, first.json()) == (201, {"counted": True})
    assert (again.status_code, again.json()) == (200, {"counted": False})
    assert Deflection.objects.filter(article=article, user=requester).count() == 1


def test_staff_cannot_count_deflections(articles, agent, as_user):
    response = as_user(agent).post(
        f"/api/kb/articles/{articles['published'].pk}/deflect"
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Deflection.objects.exists()


def test_the_schema_documents_the_knowledge_base(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert {
        "/api/kb/articles/",
        "/api/kb/articles/{id}/",
        "/api/kb/articles/suggest/",
        "/api/kb/articles/{id}/deflect/",
    } <= set(paths)
    names = {p["name"] for p in paths["/api/kb/articles/"]["get"]["parameters"]}
    assert {"q", "category", "language", "public", "page", "page_size"} <= names
    assert "q" in {
        p["name"] for p in paths["/api/kb/articles/suggest/"]["get"]["parameters"]
    }
