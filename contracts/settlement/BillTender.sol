// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IParticipantRegistry, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {DiscountYield} from "../libraries/DiscountYield.sol";
import {ExchangeFundBill} from "../tokens/ExchangeFundBill.sol";
import {LegMovements} from "./LegMovements.sol";
import {SettlementRegister} from "./SettlementRegister.sol";
import {FailureReason, Leg} from "./Trade.sol";

/// @title Exchange Fund Bills by competitive tender on a bid-yield basis, settled DvP against wCBDC
/// @notice The central bank (HKMA) opens a tender for an amount of face value of one bill issue;
/// each bidder submits its own bids (a face amount and a yield in basis points). A bid is firm: its
/// full cost at the price its yield implies, `units × price`, moves into this contract's custody when
/// it is submitted. After the close the central bank allots, and in one transaction every successful
/// bidder's allotted cost goes from custody to the central bank, its bills are minted, and every bid's
/// unallotted cost is returned — or nothing happens. A bidder is never debited more than its own bid
/// at the price its own yield implies.
///
/// Allotment rules (stated here and in README):
/// - **yield priority**: bids are accepted from the **lowest yield** up until the amount on offer is
///   used up; equal yields are one yield level;
/// - **pro rata at the cut-off yield** (the highest yield accepted): when the bids at the cut-off ask
///   for more than remains, each gets `floor(units × remaining / asked at cut-off)` units (one unit =
///   one `denomination()`, the minimum denomination); units left over by that rounding go one unit
///   each to the cut-off bids in the order they were submitted (never beyond a bid's own face);
/// - **bids**: at least `MINIMUM_BID_FACE` (HK$500,000) of face value and a whole multiple of the
///   bill's denomination (HK$50,000 in the sandbox), at most the amount on offer, submitted strictly
///   before the close;
/// - **multiple price**: each accepted bid pays the price its own yield implies,
///   `units allotted × DiscountYield.price(denomination, yield, tenor days)` — the price of one unit
///   rounded down to a minor unit (`price = face / (1 + yield × days / 365)`), so no bidder pays more
///   than its yield offered;
/// - bids withdrawn or rejected by the central bank take no part; only a participant that may pay in
///   the wCBDC and hold the bill can bid (each token's `checkTransfer` when it bids), at most
///   `MAX_BIDS_PER_BIDDER` bids each. No bid can fail the allotment for want of cash: its cost is in
///   custody from the bid.
/// Custody and refunds: a bid's cost is returned to its bidder when it withdraws the bid (before the
/// close), when the central bank rejects it or cancels the tender, and at allotment for whatever of it
/// was not allotted. A bid is firm from the close only while it can still be allotted: its bidder
/// reclaims it (`reclaimBid`) once the `ALLOTMENT_WINDOW` after the close has passed or the bill has
/// matured (it can no longer be issued), whichever comes first, with no allotment — so no bidder's
/// cash stays in custody because the central bank does not allot (or cannot: the tender frozen on the
/// bill, the bill matured). A refund the wCBDC would refuse (the bidder frozen, or no longer eligible, since
/// it bid — asked of the token's `checkTransfer`) does not block anyone else: it is parked
/// (`BillBidRefundParked`) and the bidder claims it itself later (`claimRefund`, `refundOf`). After
/// allotment or cancellation the contract holds, of that tender, exactly its parked refunds.
/// The result, in the HKMA's format, is stored (`tenderResult`) and emitted (`BillTenderAllotted`):
/// - `amountApplied`: face value of every valid bid (not withdrawn or rejected) at allotment;
/// - `amountAllotted`: face value issued;
/// - `averageYieldAccepted`: the allotment-weighted mean of the accepted bids' yields,
///   `Σ(face allotted × yield) / amountAllotted`, in hundredths of a basis point, rounded down;
/// - `highestYieldAccepted`: the cut-off yield, in basis points;
/// - `proRataRatio`: the share of their face the bids at the cut-off yield received, ×1e6, rounded
///   down (1e6 when they were allotted in full);
/// - `averageTenderYield`: the amount-weighted mean of every valid bid's yield,
///   `Σ(face × yield) / amountApplied`, in hundredths of a basis point, rounded down;
/// - `proceeds`: what the allottees paid, in minor units.
/// @dev Consent: the only debit of a bidder is the one its own `submitBid` call makes, of exactly that
/// bid's `units × price` (the price its own yield implies, fixed at the bid), into custody; from
/// custody cash goes only to the central bank (what was allotted, against the bills minted to the
/// bidder) or back to the bidder. A standing allowance beyond a bid is never spent. The central bank is the holder
/// of `CENTRAL_BANK_ROLE` on the settlement engine's registered home wCBDC, which is the cash token
/// (never a token a caller names); the bill is the one the central bank itself names when it opens
/// the tender (its own call under its role), and must be issued in that wCBDC by that central bank.
/// Proceeds go to the central bank's own account. The engine's pause stops bids, openings and
/// allotments; withdrawals, rejections, cancellations and refund claims stay open. Needs:
/// registration in the participant registry as infrastructure, the central bank's approval to hold
/// its wCBDC (`WholesaleCBDC.setSettlementContract`), and the bill's `ISSUER_ROLE` (to mint), granted
/// by the central bank; each bidder approves this contract on the wCBDC for exactly what its bid costs.
contract BillTender is LegMovements, ITokenErrors, ReentrancyGuardTransient {
    /// @notice Most bids one tender may hold (keeps allotment far below a block's gas).
    uint256 public constant MAX_BIDS = 50;
    /// @notice Most bids one bidder may submit to one tender, so no bidder can take every slot.
    uint256 public constant MAX_BIDS_PER_BIDDER = 5;
    /// @notice Scale of `TenderResult.proRataRatio`: 1e6 = 100%.
    uint256 public constant RATIO_SCALE = 1e6;
    /// @notice Scale of the average yields: hundredths of a basis point (e.g. 345_67 = 3.4567%).
    uint256 public constant YIELD_SCALE = 100;
    /// @notice The programme's minimum bid: HK$500,000 of face value, in minor units.
    uint256 public constant MINIMUM_BID_FACE = 500_000_00;
    /// @notice Highest yield a bid may name: 100% (10,000 basis points).
    uint256 public constant MAX_YIELD_BPS = 10_000;
    /// @notice How long after the close the central bank has to allot before every bidder may take its
    /// bid back (`reclaimBid`; sooner if the bill matures first). The HKMA announces a tender's result
    /// on the tender day and issues one or two business days later; five days covers that across a
    /// weekend and a public holiday (a long Lunar New Year weekend included) while keeping a bidder's
    /// cash out of use for at most about a business week when no allotment comes. From then on the
    /// tender lapses: it can no longer be allotted (`BillTenderAllotmentLapsed`), only cancelled, so no
    /// bidder holds a free option on a late allotment.
    uint64 public constant ALLOTMENT_WINDOW = 5 days;
    /// @dev `WholesaleCBDC.CENTRAL_BANK_ROLE` and `ExchangeFundBill.CENTRAL_BANK_ROLE`.
    bytes32 private constant CENTRAL_BANK_ROLE = keccak256("CENTRAL_BANK_ROLE");
    /// @dev `ExchangeFundBill.ISSUER_ROLE`.
    bytes32 private constant ISSUER_ROLE = keccak256("ISSUER_ROLE");

    /// @notice Where a tender stands.
    enum TenderState {
        None,
        Open,
        Allotted,
        Cancelled
    }

    /// @notice A tender's terms, fixed when it opens.
    /// @param bill the bill issue on offer.
    /// @param faceOffered face value on offer, in minor units (a whole number of units).
    /// @param closesAt bids are taken strictly before this time; allotment from it.
    struct TenderTerms {
        address bill;
        uint256 faceOffered;
        uint64 closesAt;
    }

    /// @notice One bid.
    /// @param bidder who bid (and pays).
    /// @param withdrawn the bidder withdrew it before the close, or reclaimed it after.
    /// @param rejected the central bank rejected it.
    /// @param units units of the bill bid for (face / denomination).
    /// @param yieldBps the yield bid, in basis points.
    /// @param pricePerUnit what one unit costs at that yield (fixed at the bid).
    /// @param unitsAllotted units allotted (zero until allotment).
    struct Bid {
        address bidder;
        bool withdrawn;
        bool rejected;
        uint256 units;
        uint256 yieldBps;
        uint256 pricePerUnit;
        uint256 unitsAllotted;
    }

    /// @notice A tender's announced result, in the HKMA's format (defined in the contract's notice).
    struct TenderResult {
        uint256 amountApplied;
        uint256 amountAllotted;
        uint256 averageYieldAccepted;
        uint256 highestYieldAccepted;
        uint256 proRataRatio;
        uint256 averageTenderYield;
        uint256 proceeds;
        uint64 allottedAt;
    }

    /// @notice A tender: its terms, the central bank that opened it, the cash token, and the bill's
    /// denomination and tenor read when it opened.
    struct Tender {
        TenderTerms terms;
        address centralBank;
        address cashToken;
        uint256 denomination;
        uint256 tenorDays;
        TenderState state;
    }

    SettlementRegister private immutable _engine;

    mapping(bytes32 tenderRef => Tender) private _tenders;
    mapping(bytes32 tenderRef => Bid[]) private _bids;
    mapping(bytes32 tenderRef => TenderResult) private _results;
    mapping(bytes32 tenderRef => mapping(address bidder => uint256)) private _bidsBy;
    mapping(bytes32 tenderRef => mapping(address bidder => uint256)) private _refunds;

    /// @notice `caller` is not the central bank of the wCBDC `cashToken` (or of the bill).
    error BillTenderNotCentralBank(address caller, address cashToken);
    /// @notice A tender with this reference exists already.
    error BillTenderAlreadyExists(bytes32 tenderRef);
    /// @notice Tender `tenderRef` is in `state`, which does not allow this action.
    error BillTenderInWrongState(bytes32 tenderRef, TenderState state);
    /// @notice The tender's terms are unusable; `term` names the bad one.
    error BillTenderInvalidTerm(string term);
    /// @notice The tender closed at `closesAt`: no more bids or withdrawals.
    error BillTenderClosed(bytes32 tenderRef, uint64 closesAt);
    /// @notice The tender closes at `closesAt`: it cannot be allotted before.
    error BillTenderNotClosed(bytes32 tenderRef, uint64 closesAt);
    /// @notice Tender `tenderRef` was not allotted within `ALLOTMENT_WINDOW` of its close: it lapsed at
    /// `lapsedAt`; it can only be cancelled, and its bids reclaimed.
    error BillTenderAllotmentLapsed(bytes32 tenderRef, uint64 lapsedAt);
    /// @notice A bid of `face` is below the minimum bid `minimum`.
    error BillBidBelowMinimum(uint256 face, uint256 minimum);
    /// @notice A bid of `face` is not a whole multiple of the bill's `denomination`.
    error BillBidNotMultipleOfDenomination(uint256 face, uint256 denomination);
    /// @notice A bid of `face` is above the `offered` amount.
    error BillBidAboveOffer(uint256 face, uint256 offered);
    /// @notice A bid's `yieldBps` is above `max`.
    error BillBidYieldOutOfRange(uint256 yieldBps, uint256 max);
    /// @notice The tender already holds `MAX_BIDS` bids.
    error BillTooManyBids(bytes32 tenderRef, uint256 max);
    /// @notice `bidder` already submitted `MAX_BIDS_PER_BIDDER` bids to the tender.
    error BillTooManyBidsFromBidder(bytes32 tenderRef, address bidder, uint256 max);
    /// @notice Bid `index` does not exist, or was withdrawn or rejected already.
    error BillBidNotLive(bytes32 tenderRef, uint256 index);
    /// @notice Bid `index` of the tender is not the caller's, or does not exist or was withdrawn.
    error BillNotBidder(address caller, bytes32 tenderRef, uint256 index);
    /// @notice No refund of tender `tenderRef` is parked for `bidder`.
    error BillBidRefundNotOwed(bytes32 tenderRef, address bidder);
    /// @notice A tender closing at `closesAt` is refused: the bill on offer matures at `maturityDate`,
    /// at or before the close, and could never be issued.
    error BillTenderClosesAfterMaturity(uint64 closesAt, uint64 maturityDate);
    /// @notice Bid `index` of the tender can still be allotted: it can be reclaimed from `reclaimableFrom`.
    error BillBidNotReclaimable(bytes32 tenderRef, uint256 index, uint64 reclaimableFrom);

    /// @notice The central bank opened a tender.
    event BillTenderOpened(bytes32 indexed tenderRef, address indexed bill, address indexed centralBank, TenderTerms terms);
    /// @notice `bidder` bid for `face` at `yieldBps`, paying `pricePerUnit` per unit if allotted; the
    /// bid's cost, `face / denomination × pricePerUnit`, moved into this contract's custody.
    event BillBidSubmitted(
        bytes32 indexed tenderRef,
        address indexed bidder,
        uint256 index,
        uint256 face,
        uint256 yieldBps,
        uint256 pricePerUnit
    );
    /// @notice `bidder` withdrew bid `index`.
    event BillBidWithdrawn(bytes32 indexed tenderRef, address indexed bidder, uint256 index);
    /// @notice `bidder` took back bid `index` after the close, the central bank not having allotted it in
    /// time (the allotment window passed or the bill matured): it takes no part in allotment.
    event BillBidReclaimed(bytes32 indexed tenderRef, address indexed bidder, uint256 index);
    /// @notice The central bank rejected bid `index` of `bidder`: it takes no part in allotment.
    event BillBidRejected(bytes32 indexed tenderRef, address indexed bidder, uint256 index);
    /// @notice Bid `index` was allotted `face` (`units` units) at `yieldBps` and paid `amount`.
    event BillAllotted(
        address indexed bill,
        bytes32 indexed tenderRef,
        address indexed allottee,
        uint256 index,
        uint256 units,
        uint256 face,
        uint256 yieldBps,
        uint256 amount
    );
    /// @notice The tender was allotted and settled, with its result.
    event BillTenderAllotted(bytes32 indexed tenderRef, address indexed bill, TenderResult result);
    /// @notice The central bank cancelled an open tender; no bid was allotted, every live bid's cost was returned.
    event BillTenderCancelled(bytes32 indexed tenderRef);
    /// @notice `amount` of bid `index`'s cost (all of it, or what was not allotted) went back from
    /// custody to `bidder`.
    event BillBidRefunded(bytes32 indexed tenderRef, address indexed bidder, uint256 index, uint256 amount);
    /// @notice The wCBDC would refuse `amount` of bid `index`'s refund to `bidder` (frozen, or no longer
    /// eligible): it stays in custody, claimable by the bidder (`claimRefund`).
    event BillBidRefundParked(bytes32 indexed tenderRef, address indexed bidder, uint256 index, uint256 amount);
    /// @notice `bidder` claimed `amount` of parked refunds of the tender.
    event BillBidRefundClaimed(bytes32 indexed tenderRef, address indexed bidder, uint256 amount);

    /// @param engine_ the settlement engine whose wCBDC, participant registry and pause this contract follows.
    constructor(SettlementRegister engine_) {
        if (address(engine_) == address(0)) revert ZeroAddress();
        _engine = engine_;
    }

    /// @dev Reverts `EnforcedPause` while the settlement engine is paused.
    modifier whenNotPaused() {
        if (_engine.paused()) revert Pausable.EnforcedPause();
        _;
    }

    // ------------------------------------------------------------ central bank

    /// @notice Opens tender `tenderRef` for `terms.faceOffered` of face value of `terms.bill`.
    /// @dev Requirements: not paused; the caller is the central bank of the engine's wCBDC and of the
    /// bill, eligible in the participant registry; the bill is issued in that wCBDC and this contract
    /// holds its `ISSUER_ROLE`; the bill is one the ledger registered (an eligible participant of the
    /// engine's registry, as infrastructure, asking that same registry); the reference is new; the face
    /// offered is a non-zero multiple of the denomination; the close is in the future
    /// (`BillTenderInvalidTerm("closesAt")`) and before the bill's maturity (`BillTenderClosesAfterMaturity`).
    /// @param tenderRef the tender's reference.
    /// @param terms the tender's terms.
    function openTender(bytes32 tenderRef, TenderTerms calldata terms) external whenNotPaused {
        address cash = _requireCentralBank();
        ExchangeFundBill bill = ExchangeFundBill(terms.bill);
        if (terms.bill.code.length == 0) revert BillTenderInvalidTerm("bill");
        if (bill.cashToken() != cash) revert BillTenderInvalidTerm("bill");
        if (!bill.hasRole(CENTRAL_BANK_ROLE, msg.sender)) revert BillTenderNotCentralBank(msg.sender, terms.bill);
        if (!bill.hasRole(ISSUER_ROLE, address(this))) revert BillTenderInvalidTerm("issuerRole");
        IParticipantRegistry registry = _engine.participantRegistry();
        if (registry.requireEligible(terms.bill) != ParticipantKind.Infrastructure || bill.registry() != registry) {
            revert BillTenderInvalidTerm("registration");
        }
        if (_tenders[tenderRef].state != TenderState.None) revert BillTenderAlreadyExists(tenderRef);
        uint256 denomination = bill.denomination();
        if (terms.faceOffered == 0 || terms.faceOffered % denomination != 0) revert BillTenderInvalidTerm("faceOffered");
        if (terms.closesAt <= block.timestamp) revert BillTenderInvalidTerm("closesAt");
        uint64 maturity = bill.maturityDate();
        if (terms.closesAt >= maturity) revert BillTenderClosesAfterMaturity(terms.closesAt, maturity);
        _tenders[tenderRef] = Tender(terms, msg.sender, cash, denomination, bill.tenorDays(), TenderState.Open);
        emit BillTenderOpened(tenderRef, terms.bill, msg.sender, terms);
    }

    /// @notice Allots tender `tenderRef` by the rules above and settles every allotment DvP: each
    /// allotted bid's cost at the price its own yield implies goes from custody to the central bank and
    /// its bills are minted to the bidder; what each bid did not get is returned to its bidder, or
    /// parked for it to claim when the wCBDC would refuse it.
    /// @dev Requirements: not paused; the caller is still the central bank (of the engine's wCBDC)
    /// that opened the tender; the tender is open and closed to bids, and within `ALLOTMENT_WINDOW` of
    /// its close (`BillTenderAllotmentLapsed`). Reverts `SettlementLegFailed`
    /// (the leg, token and reason), minting and moving nothing, if a mint is refused (an allottee that
    /// can no longer hold the bill, the bill matured), this contract is frozen on the bill
    /// (`AccountFrozen`, asset leg: a frozen issuing agent issues nothing) or the central bank cannot
    /// be paid; the central bank may then reject that bid and allot again, or cancel, and bidders
    /// reclaim their bids once the allotment window has passed or the bill has matured. No bidder's
    /// cash can fail it: every bid's cost is in custody.
    /// @param tenderRef the tender.
    /// @return result the announced result.
    function allotTender(bytes32 tenderRef) external nonReentrant whenNotPaused returns (TenderResult memory result) {
        Tender storage tender = _requireOpenTender(tenderRef);
        _requireTenderCentralBank(tender);
        if (block.timestamp < tender.terms.closesAt) revert BillTenderNotClosed(tenderRef, tender.terms.closesAt);
        uint256 lapsesAt = _lapsesAt(tender);
        // Reached, the lapse is a past time: a uint64.
        if (block.timestamp >= lapsesAt) revert BillTenderAllotmentLapsed(tenderRef, uint64(lapsesAt));
        tender.state = TenderState.Allotted;

        Bid[] storage bids = _bids[tenderRef];
        uint256[] memory order = _byYield(bids);
        uint256 denomination = tender.denomination;
        result = _allot(bids, order, tender.terms.faceOffered / denomination, denomination);
        result.allottedAt = uint64(block.timestamp);

        for (uint256 k = 0; k < order.length; ++k) {
            Bid storage bid = bids[order[k]];
            result.proceeds += bid.unitsAllotted * bid.pricePerUnit;
        }
        _results[tenderRef] = result;

        address bill = tender.terms.bill;
        address cash = tender.cashToken;
        if (result.amountAllotted != 0) _requireNotFrozenOn(Leg.Asset, bill);
        for (uint256 k = 0; k < order.length; ++k) {
            Bid storage bid = bids[order[k]];
            uint256 units = bid.unitsAllotted;
            if (units == 0) continue;
            uint256 amount = units * bid.pricePerUnit;
            _mintAsset(bill, bid.bidder, units);
            emit BillAllotted(bill, tenderRef, bid.bidder, order[k], units, units * denomination, bid.yieldBps, amount);
        }
        // Every allotted cost is in custody: one payment of the proceeds.
        if (result.proceeds != 0) _moveOut(Leg.Cash, cash, tender.centralBank, result.proceeds);
        for (uint256 i = 0; i < bids.length; ++i) {
            Bid storage bid = bids[i];
            if (bid.withdrawn || bid.rejected) continue; // its custody went back already
            _returnCustody(tenderRef, cash, bid.bidder, i, (bid.units - bid.unitsAllotted) * bid.pricePerUnit);
        }
        emit BillTenderAllotted(tenderRef, bill, result);
    }

    /// @notice Rejects bid `index` of open tender `tenderRef`: it takes no part in allotment, and its
    /// cost goes back to its bidder (parked for it to claim when the wCBDC would refuse it).
    /// @dev Requirements: the caller is the tender's central bank; the tender is open (before or after
    /// the close); the bid exists and is neither withdrawn nor rejected. Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @param index the bid.
    function rejectBid(bytes32 tenderRef, uint256 index) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        _requireTenderCentralBank(tender);
        Bid[] storage bids = _bids[tenderRef];
        if (index >= bids.length || bids[index].withdrawn || bids[index].rejected) revert BillBidNotLive(tenderRef, index);
        Bid storage bid = bids[index];
        bid.rejected = true;
        emit BillBidRejected(tenderRef, bid.bidder, index);
        _returnCustody(tenderRef, tender.cashToken, bid.bidder, index, bid.units * bid.pricePerUnit);
    }

    /// @notice Cancels open tender `tenderRef`: nothing is allotted, and every live bid's cost goes
    /// back to its bidder (parked for it to claim when the wCBDC would refuse it).
    /// @dev Requirements: the caller is the tender's central bank; it is open. At most `MAX_BIDS`
    /// refunds. Works while the engine is paused.
    /// @param tenderRef the tender.
    function cancelTender(bytes32 tenderRef) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        _requireTenderCentralBank(tender);
        tender.state = TenderState.Cancelled;
        emit BillTenderCancelled(tenderRef);
        Bid[] storage bids = _bids[tenderRef];
        address cash = tender.cashToken;
        for (uint256 i = 0; i < bids.length; ++i) {
            Bid storage bid = bids[i];
            if (bid.withdrawn || bid.rejected) continue; // its custody went back already
            _returnCustody(tenderRef, cash, bid.bidder, i, bid.units * bid.pricePerUnit);
        }
    }

    // ------------------------------------------------------------ bidders

    /// @notice Bids for `face` of face value of tender `tenderRef`'s bill at `yieldBps`.
    /// @dev Requirements: not paused; the tender is open and not closed; `face` is at least
    /// `MINIMUM_BID_FACE`, a whole multiple of the bill's denomination and at most the face on offer;
    /// the yield is at most `MAX_YIELD_BPS`; fewer than `MAX_BIDS` bids so far and fewer than
    /// `MAX_BIDS_PER_BIDDER` from the caller; the caller may pay this contract in the wCBDC and hold
    /// the bill (each token's `checkTransfer`, reverting with the token's own error); this contract is
    /// not frozen on the bill (`SettlementLegFailed` AccountFrozen, asset leg: it could never allot
    /// the bid); the caller has approved this contract on the wCBDC for, and holds, the bid's cost `units × price(yieldBps)`,
    /// which this call takes into custody (`SettlementLegFailed` with the token's reason otherwise,
    /// nothing recorded or moved). The call is the caller's consent to pay at most that cost; what is
    /// not allotted comes back.
    /// @param tenderRef the tender.
    /// @param face face value bid for, in minor units.
    /// @param yieldBps the yield bid, in basis points (simple, Actual/365).
    /// @return index the bid's number in the tender.
    function submitBid(
        bytes32 tenderRef,
        uint256 face,
        uint256 yieldBps
    ) external nonReentrant whenNotPaused returns (uint256 index) {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (block.timestamp >= tender.terms.closesAt) revert BillTenderClosed(tenderRef, tender.terms.closesAt);
        if (face < MINIMUM_BID_FACE) revert BillBidBelowMinimum(face, MINIMUM_BID_FACE);
        uint256 denomination = tender.denomination;
        if (face % denomination != 0) revert BillBidNotMultipleOfDenomination(face, denomination);
        if (face > tender.terms.faceOffered) revert BillBidAboveOffer(face, tender.terms.faceOffered);
        if (yieldBps > MAX_YIELD_BPS) revert BillBidYieldOutOfRange(yieldBps, MAX_YIELD_BPS);
        Bid[] storage bids = _bids[tenderRef];
        index = bids.length;
        if (index >= MAX_BIDS) revert BillTooManyBids(tenderRef, MAX_BIDS);
        if (++_bidsBy[tenderRef][msg.sender] > MAX_BIDS_PER_BIDDER) {
            revert BillTooManyBidsFromBidder(tenderRef, msg.sender, MAX_BIDS_PER_BIDDER);
        }
        uint256 units = face / denomination;
        uint256 pricePerUnit = DiscountYield.price(denomination, yieldBps, tender.tenorDays);
        uint256 cost = units * pricePerUnit;
        // A bidder that could neither pay nor receive the bill would only block the allotment.
        ITransferCompliance(tender.cashToken).checkTransfer(msg.sender, address(this), cost);
        ITransferCompliance(tender.terms.bill).checkTransfer(address(0), msg.sender, units);
        // Nor is a bid taken that this contract, frozen on the bill, could never allot.
        _requireNotFrozenOn(Leg.Asset, tender.terms.bill);
        bids.push(Bid(msg.sender, false, false, units, yieldBps, pricePerUnit, 0));
        emit BillBidSubmitted(tenderRef, msg.sender, index, face, yieldBps, pricePerUnit);
        _move(Leg.Cash, FailureReason.InsufficientCash, tender.cashToken, msg.sender, address(this), cost);
    }

    /// @notice Withdraws the caller's bid `index` before the tender closes; its cost comes back to the
    /// caller (parked for it to claim when the wCBDC would refuse it).
    /// @dev Requirements: the tender is open and not closed; the bid is the caller's and neither
    /// withdrawn nor rejected (`BillNotBidder` otherwise). Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @param index the bid.
    function withdrawBid(bytes32 tenderRef, uint256 index) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (block.timestamp >= tender.terms.closesAt) revert BillTenderClosed(tenderRef, tender.terms.closesAt);
        Bid[] storage bids = _bids[tenderRef];
        if (index >= bids.length || bids[index].bidder != msg.sender || bids[index].withdrawn || bids[index].rejected) {
            revert BillNotBidder(msg.sender, tenderRef, index);
        }
        Bid storage bid = bids[index];
        bid.withdrawn = true;
        emit BillBidWithdrawn(tenderRef, msg.sender, index);
        _returnCustody(tenderRef, tender.cashToken, msg.sender, index, bid.units * bid.pricePerUnit);
    }

    /// @notice Takes back the caller's bid `index` after the close when the central bank has not allotted
    /// it in time: its cost comes back to the caller (parked for it to claim when the wCBDC would refuse
    /// it), and it takes no part in a later allotment.
    /// @dev Requirements: the tender is open (neither allotted nor cancelled: those returned every bid's
    /// custody already, `BillTenderInWrongState`); the bid is the caller's and neither withdrawn,
    /// reclaimed nor rejected (`BillNotBidder`); the close plus `ALLOTMENT_WINDOW`, or the bill's
    /// maturity, has come (`BillBidNotReclaimable` with the earlier of the two otherwise). The bid is
    /// marked withdrawn before its custody moves. Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @param index the bid.
    function reclaimBid(bytes32 tenderRef, uint256 index) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        Bid[] storage bids = _bids[tenderRef];
        if (index >= bids.length || bids[index].bidder != msg.sender || bids[index].withdrawn || bids[index].rejected) {
            revert BillNotBidder(msg.sender, tenderRef, index);
        }
        // The close is before the maturity (`openTender`), so the lapse is a uint64 or the maturity
        // comes first.
        uint256 from = _lapsesAt(tender);
        uint256 maturity = ExchangeFundBill(tender.terms.bill).maturityDate();
        if (maturity < from) from = maturity;
        if (block.timestamp < from) revert BillBidNotReclaimable(tenderRef, index, uint64(from));
        Bid storage bid = bids[index];
        bid.withdrawn = true;
        emit BillBidReclaimed(tenderRef, msg.sender, index);
        _returnCustody(tenderRef, tender.cashToken, msg.sender, index, bid.units * bid.pricePerUnit);
    }

    /// @notice Pays the caller the refunds of tender `tenderRef` that were parked for it.
    /// @dev Requirements: a refund is parked for the caller (`BillBidRefundNotOwed`); the wCBDC accepts
    /// the payment now (`SettlementLegFailed` with its reason otherwise, e.g. still frozen). Only the
    /// bidder itself can claim, and only to itself. Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @return amount what was paid.
    function claimRefund(bytes32 tenderRef) external nonReentrant returns (uint256 amount) {
        amount = _refunds[tenderRef][msg.sender];
        if (amount == 0) revert BillBidRefundNotOwed(tenderRef, msg.sender);
        delete _refunds[tenderRef][msg.sender];
        emit BillBidRefundClaimed(tenderRef, msg.sender, amount);
        _moveOut(Leg.Cash, _tenders[tenderRef].cashToken, msg.sender, amount);
    }

    // -------------------------------------------------------------- views

    /// @notice The settlement engine whose wCBDC, registry and pause this contract follows.
    /// @return the engine.
    function engine() external view returns (SettlementRegister) {
        return _engine;
    }

    /// @notice Tender `tenderRef`'s terms, central bank, cash token, bill denomination and tenor, and state.
    /// @param tenderRef the tender.
    /// @return the tender.
    function tenderOf(bytes32 tenderRef) external view returns (Tender memory) {
        return _tenders[tenderRef];
    }

    /// @notice Every bid of tender `tenderRef`, in submission order, with what each was allotted.
    /// @param tenderRef the tender.
    /// @return the bids.
    function bidsOf(bytes32 tenderRef) external view returns (Bid[] memory) {
        return _bids[tenderRef];
    }

    /// @notice What of tender `tenderRef` is parked for `bidder` to claim (`claimRefund`).
    /// @param tenderRef the tender.
    /// @param bidder the bidder.
    /// @return the amount, in the wCBDC's minor units.
    function refundOf(bytes32 tenderRef, address bidder) external view returns (uint256) {
        return _refunds[tenderRef][bidder];
    }

    /// @notice The result of tender `tenderRef` (zero until allotted).
    /// @param tenderRef the tender.
    /// @return the result.
    function tenderResult(bytes32 tenderRef) external view returns (TenderResult memory) {
        return _results[tenderRef];
    }

    // ----------------------------------------------------------- internal

    /// @dev The caller must be the central bank of the engine's home wCBDC and eligible; returns the wCBDC.
    function _requireCentralBank() private view returns (address cash) {
        cash = _engine.wcbdc();
        if (!IAccessControl(cash).hasRole(CENTRAL_BANK_ROLE, msg.sender)) revert BillTenderNotCentralBank(msg.sender, cash);
        _engine.participantRegistry().requireEligible(msg.sender);
    }

    /// @dev The caller must be the central bank that opened `tender`, and still the wCBDC's central bank.
    function _requireTenderCentralBank(Tender storage tender) private view {
        if (tender.centralBank != msg.sender) revert BillTenderNotCentralBank(msg.sender, tender.cashToken);
        _requireCentralBank();
    }

    /// @dev Returns `amount` of bid `index`'s custody to `bidder`, or parks it for `bidder` to claim
    /// when the wCBDC would refuse the payment: one bidder's frozen or lapsed account never blocks the
    /// refunds, allotment or cancellation of everyone else.
    function _returnCustody(bytes32 tenderRef, address cash, address bidder, uint256 index, uint256 amount) private {
        if (amount == 0) return;
        if (_wouldAcceptMoveOut(cash, bidder, amount)) {
            emit BillBidRefunded(tenderRef, bidder, index, amount);
            _moveOut(Leg.Cash, cash, bidder, amount);
        } else {
            _refunds[tenderRef][bidder] += amount;
            emit BillBidRefundParked(tenderRef, bidder, index, amount);
        }
    }


    /// @dev When `tender` lapses unallotted: its close plus `ALLOTMENT_WINDOW` (in 256 bits, so no
    /// close can overflow it). From then on it cannot be allotted and every bid may be reclaimed.
    function _lapsesAt(Tender storage tender) private view returns (uint256) {
        return uint256(tender.terms.closesAt) + ALLOTMENT_WINDOW;
    }

    function _requireOpenTender(bytes32 tenderRef) private view returns (Tender storage tender) {
        tender = _tenders[tenderRef];
        if (tender.state != TenderState.Open) revert BillTenderInWrongState(tenderRef, tender.state);
    }

    /// @dev Indices of the bids that take part (not withdrawn or rejected), lowest yield first, equal
    /// yields in submission order (insertion sort over at most `MAX_BIDS`).
    function _byYield(Bid[] storage bids) private view returns (uint256[] memory order) {
        uint256 n = bids.length;
        uint256[] memory yields = new uint256[](n);
        uint256[] memory sorted = new uint256[](n);
        uint256 live = 0;
        for (uint256 i = 0; i < n; ++i) {
            Bid storage bid = bids[i];
            if (bid.withdrawn || bid.rejected) continue;
            uint256 yieldBps = bid.yieldBps;
            uint256 j = live;
            while (j > 0 && yields[j - 1] > yieldBps) {
                yields[j] = yields[j - 1];
                sorted[j] = sorted[j - 1];
                --j;
            }
            yields[j] = yieldBps;
            sorted[j] = i;
            ++live;
        }
        order = new uint256[](live);
        for (uint256 k = 0; k < live; ++k) order[k] = sorted[k];
    }

    /// @dev Writes each bid's allotment (yield priority, pro rata at the cut-off in whole units,
    /// leftover units in submission order) and returns the result's amount and yield figures.
    function _allot(
        Bid[] storage bids,
        uint256[] memory order,
        uint256 unitsOffered,
        uint256 denomination
    ) private returns (TenderResult memory result) {
        uint256 remaining = unitsOffered;
        uint256 appliedYieldSum = 0; // Σ units × yield over valid bids
        uint256 acceptedYieldSum = 0; // Σ units allotted × yield
        uint256 unitsApplied = 0;
        uint256 unitsAllotted = 0;
        uint256 k = 0;
        while (k < order.length) {
            uint256 yieldBps = bids[order[k]].yieldBps;
            uint256 end = k;
            uint256 asked = 0;
            while (end < order.length && bids[order[end]].yieldBps == yieldBps) asked += bids[order[end++]].units;
            unitsApplied += asked;
            appliedYieldSum += asked * yieldBps;
            if (remaining != 0) {
                result.highestYieldAccepted = yieldBps;
                uint256 given = asked <= remaining
                    ? _allotWhole(bids, order, k, end)
                    : _allotProRata(bids, order, k, end, remaining, asked);
                result.proRataRatio = (given * RATIO_SCALE) / asked;
                unitsAllotted += given;
                acceptedYieldSum += given * yieldBps;
                remaining -= given;
            }
            k = end;
        }
        result.amountApplied = unitsApplied * denomination;
        result.amountAllotted = unitsAllotted * denomination;
        if (unitsAllotted != 0) result.averageYieldAccepted = (acceptedYieldSum * YIELD_SCALE) / unitsAllotted;
        if (unitsApplied != 0) result.averageTenderYield = (appliedYieldSum * YIELD_SCALE) / unitsApplied;
    }

    function _allotWhole(Bid[] storage bids, uint256[] memory order, uint256 from, uint256 to) private returns (uint256 given) {
        for (uint256 k = from; k < to; ++k) {
            Bid storage bid = bids[order[k]];
            bid.unitsAllotted = bid.units;
            given += bid.units;
        }
    }

    /// @dev `remaining < asked` here, so each share is below the bid's units and at most one leftover
    /// unit per bid keeps it within them.
    function _allotProRata(
        Bid[] storage bids,
        uint256[] memory order,
        uint256 from,
        uint256 to,
        uint256 remaining,
        uint256 asked
    ) private returns (uint256 given) {
        for (uint256 k = from; k < to; ++k) {
            Bid storage bid = bids[order[k]];
            uint256 share = (bid.units * remaining) / asked;
            bid.unitsAllotted = share;
            given += share;
        }
        // Leftover units, one each in submission order (`order` keeps it within a yield level).
        for (uint256 k = from; k < to && given < remaining; ++k) {
            Bid storage bid = bids[order[k]];
            if (bid.unitsAllotted + 1 > bid.units) continue;
            bid.unitsAllotted += 1;
            given += 1;
        }
    }
}
