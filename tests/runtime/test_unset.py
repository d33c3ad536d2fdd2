"""UNSET is one object: copies and pickles of it, and of models holding it, are the singleton."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from codat_sdk_platform.models import Company

from codat_sdk import UNSET
from tests.conftest import company_json


@pytest.mark.parametrize(
    "clone",
    [copy.copy, copy.deepcopy, lambda value: pickle.loads(pickle.dumps(value))],
    ids=["copy", "deepcopy", "pickle"],
)
def test_unset_survives_copy_and_pickle_as_the_singleton(clone: object) -> None:
    assert callable(clone)
    assert clone(UNSET) is UNSET


def test_a_copied_or_pickled_model_equals_the_original_and_serialises() -> None:
    company = Company.from_dict({"id": company_json()["id"], "name": "n", "redirect": "r"})
    assert company.description is UNSET
    for clone in (copy.deepcopy(company), pickle.loads(pickle.dumps(company))):
        assert clone == company
        assert clone.description is UNSET
        assert clone.to_dict() == company.to_dict()
        json.dumps(clone.to_dict())  # a second Unset would not serialise
