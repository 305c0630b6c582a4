"""Readers and writers between schedule files and `sitebook.engine.network` objects.

Pure Python: no Django. The reader contract every format module follows:

* ``sitebook.interchange.xer.read_xer(data: bytes) -> list[Project]``
* ``sitebook.interchange.pmxml.read_pmxml(data: bytes) -> list[Project]``
* ``sitebook.interchange.mspdi.read_mspdi(data: bytes, name: str) -> list[Project]``
  (``name`` is the file name without directory; it becomes ``Project.code``)

Each returns one `sitebook.engine.network.Project` per project in the file, in file order,
with its calendars, activities, links, data date and `ScheduleOptions`. A reader never returns
the dates or floats the file has computed (the engine recomputes them). A reader raises a
subclass of `sitebook.engine.errors.ScheduleInputError` (naming the table/row/element) for
unreadable input, never another exception.

`sitebook.interchange.compute.main` detects the format and imports the module lazily.
"""
