"""What the supplier search returns (`search.search`): a page of suppliers, each with its matching
products as the columns a result shows."""

from dataclasses import dataclass, field
from datetime import date

from ..catalogue.models import Category, Product
from ..organisations.models import Organisation
from .models import Reach, SupplierProfile


@dataclass(frozen=True)
class ListedProduct:
    """What a result shows of a matching product (its line on the card, its CSV row): columns read
    with the search, not a loaded `Product` — a page lists up to 160 products, and loading each as an
    object (with its organisation and certificate) cost more than the search's SQL."""

    id: int
    name_de: str
    name_en: str
    category: Category
    organic_control_body: str
    gmo_free: bool
    husbandry_level: int | None

    name = Product.name  # the product's own rule for its name in a language


@dataclass(frozen=True)
class ListedCertificate:
    """A certificate as a result shows it (number, end, link)."""

    id: int
    number: str
    valid_until: date


@dataclass
class ProductHit:
    """A matching product with its newest certificate active today and the path of its public page."""

    product: ListedProduct
    certificate: ListedCertificate | None
    path: str | None


@dataclass
class SupplierResult:
    """A supplier a retailer found: its matching products (the first ones, `more` not listed), the
    distance to its nearest site and its delivery settings."""

    organisation: Organisation
    distance_km: float | None
    profile: SupplierProfile | None
    products: list[ProductHit] = field(default_factory=list)
    more: int = 0

    @property
    def reach(self) -> Reach | None:
        """Whether and how it reaches the retailer's site (None: no delivery settings given)."""
        return self.profile.reach(self.distance_km) if self.profile else None

    @property
    def delivery(self) -> list[str]:
        """The options open to this retailer."""
        return self.profile.options_for(self.distance_km) if self.profile else []

    @property
    def certificates(self) -> list[ListedCertificate]:
        return list(
            {hit.certificate.id: hit.certificate for hit in self.products if hit.certificate}.values()
        )


@dataclass
class Results:
    suppliers: list[SupplierResult] = field(default_factory=list)
    has_next: bool = False
